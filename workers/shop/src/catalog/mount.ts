import type { shop as Shop } from "../product";

/** Mounts the catalog routes. */
export function mountCatalog(_shop: typeof Shop): void {}
