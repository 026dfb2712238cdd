import type { shop as Shop } from "../product";
import { couponsAdminRouter } from "./coupons.routes";
import { cartRouter } from "./routes";

/**
 * Mounts the cart routes on the open router (anonymous carts by cookie; a token, when sent, must be
 * valid and names the customer's cart) and the coupon administration on the guarded one.
 */
export function mountCart(shop: typeof Shop): void {
  shop.open.route("/", cartRouter);
  shop.v1.route("/", couponsAdminRouter);
}
