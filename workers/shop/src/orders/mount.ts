import type { shop as Shop } from "../product";
import { stripeWebhookRouter } from "../stripe/webhook";
import { devOutboxRouter } from "./dev";
import { ordersRouter } from "./routes";

/**
 * Mounts the orders routes: checkout, orders, transitions and refunds on shop.v1 (guarded), the Stripe
 * webhook on shop.open (Stripe signs its events instead of sending a token), and the DEV_MODE-only
 * `GET /dev/outbox` (the receipt and refund emails) on shop.open.
 */
export function mountOrders(shop: typeof Shop): void {
  shop.open.route("/", stripeWebhookRouter);
  shop.open.route("/", devOutboxRouter);
  shop.v1.route("/", ordersRouter);
}
