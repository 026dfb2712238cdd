// Payments' Stripe client: the shared one of @edgeworks/stripe (SDK over fetch, STRIPE_API_BASE for the
// local stand-in, webhook verification) and payments' own idempotency keys.
export { type Stripe, stripeOf } from "@edgeworks/stripe";

/** Stripe idempotency keys: one per order, so a retry (RPC, webhook, cron) never charges, cancels or refunds twice. */
export const stripeKeys = {
  charge: (orderId: string) => `commerce-charge:${orderId}`,
  cancel: (orderId: string) => `commerce-cancel:${orderId}`,
  refund: (orderId: string) => `commerce-refund:${orderId}`,
};
