import type { shop as Shop } from "../product";

/** Mounts the cart routes. */
export function mountCart(_shop: typeof Shop): void {}
