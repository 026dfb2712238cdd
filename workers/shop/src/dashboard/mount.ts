import type { shop as Shop } from "../product";
import { dashboardRouter } from "./routes";

/** Mounts the admin dashboard (`/shop/v1/admin/dashboard/*`, role `shop:admin`) on the guarded router. */
export function mountDashboard(shop: typeof Shop): void {
  shop.v1.route("/", dashboardRouter);
}
