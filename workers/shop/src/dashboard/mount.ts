import type { shop as Shop } from "../product";

/** Mounts the dashboard routes. */
export function mountDashboard(_shop: typeof Shop): void {}
