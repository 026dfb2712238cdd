import type { shop as Shop } from "../product";
import { stripeWebhookRouter } from "../stripe/webhook";
import { ordersRouter } from "./routes";

/**
 * Mounts the orders routes: checkout, orders, transitions and refunds on shop.v1 (guarded), the Stripe
 * webhook on shop.open (Stripe signs its events instead of sending a token).
 */
export function mountOrders(shop: typeof Shop): void {
  shop.open.route("/", stripeWebhookRouter);
  shop.v1.route("/", ordersRouter);
}
