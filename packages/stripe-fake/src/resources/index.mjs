// @ts-check
// The resource modules the fake serves. Each exports `routes` (see src/router.mjs) and optionally
// `setup({ store, webhooks })` and hooks (HOOK_NAMES in router.mjs).
import { modules as billingModules } from "./billing-index.mjs"; // billing (helper B)
import * as charges from "./charges.mjs";
import * as checkoutSessions from "./checkout-sessions.mjs";
import * as customers from "./customers.mjs";
import * as events from "./events.mjs";
import * as paymentIntents from "./payment-intents.mjs";
import * as paymentMethods from "./payment-methods.mjs";
import * as refunds from "./refunds.mjs";
import * as webhookEndpoints from "./webhook-endpoints.mjs";

/** @type {{ routes: import("../router.mjs").Route[], setup?: (deps: { store: import("../store.mjs").Store, webhooks: import("../webhooks.mjs").Webhooks }) => void }[]} */
export const modules = [
  customers,
  paymentMethods,
  paymentIntents,
  charges,
  refunds,
  checkoutSessions,
  webhookEndpoints,
  events,
  ...billingModules,
];
