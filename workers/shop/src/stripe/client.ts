// The shop's Stripe client: the shared one of @edgeworks/stripe (SDK over fetch, STRIPE_API_BASE for the
// local stand-in, webhook verification) and the shop's own idempotency keys.
export { stripeOf } from "@edgeworks/stripe";

/** The Stripe idempotency keys of the shop's calls: one per order or refund, so a retry never charges or refunds twice. */
export const stripeKeys = {
  paymentIntent: (orderId: string) => `shop-order-${orderId}-pi`,
  cancelPaymentIntent: (orderId: string) => `shop-order-${orderId}-pi-cancel`,
  refund: (refundId: string) => `shop-refund-${refundId}`,
  /** The refund of a payment that did not match its order (another amount or currency): one per PaymentIntent. */
  mismatchRefund: (paymentIntentId: string) => `shop-mismatch-${paymentIntentId}-refund`,
};
