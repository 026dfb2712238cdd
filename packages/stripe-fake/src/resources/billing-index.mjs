// @ts-check
// The billing half of the fake (products, prices, meters, invoices, subscriptions, portal), registered in
// resources/index.mjs. Order matters where paths overlap: `/v1/…/search` and `/v1/invoices/create_preview` before
// `/v1/…/:id`.
import * as cycle from "./billing-cycle.mjs";
import * as invoiceItems from "./billing-invoice-items.mjs";
import * as invoicePage from "./billing-invoice-page.mjs";
import * as invoiceRoutes from "./billing-invoice-routes.mjs";
import * as meters from "./billing-meters.mjs";
import * as portal from "./billing-portal.mjs";
import * as preview from "./billing-preview.mjs";
import * as products from "./billing-products.mjs";
import * as search from "./billing-search.mjs";
import * as subscriptionItems from "./billing-subscription-items.mjs";
import * as subscriptionRoutes from "./billing-subscription-routes.mjs";
import * as subscriptions from "./billing-subscriptions.mjs";

/** @type {{ routes: import("../router.mjs").Route[], setup?: (deps: { store: import("../store.mjs").Store, webhooks: import("../webhooks.mjs").Webhooks }) => void }[]} */
export const modules = [
  search,
  products,
  meters,
  preview,
  invoiceRoutes,
  invoiceItems,
  invoicePage,
  subscriptions,
  subscriptionRoutes,
  subscriptionItems,
  portal,
  cycle,
];
