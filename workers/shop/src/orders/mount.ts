import type { shop as Shop } from "../product";

/** Mounts the orders routes. */
export function mountOrders(_shop: typeof Shop): void {}
