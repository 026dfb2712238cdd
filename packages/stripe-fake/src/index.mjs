// @ts-check
// @edgeworks/stripe-fake: a local stand-in for Stripe's HTTP API (Node only). See README.md.
export { StripeError } from "./errors.mjs";
export { startStripeFake } from "./server.mjs";
export { registerEndpoint, signPayload } from "./webhooks.mjs";
