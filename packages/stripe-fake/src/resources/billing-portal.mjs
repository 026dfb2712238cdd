// @ts-check
// Customer portal sessions (`bps_`): https://docs.stripe.com/api/customer_portal/sessions. The session's `url`
// opens a plain page on the fake that lists the customer's subscriptions and invoices, cancels a subscription
// at the end of its period (as the real portal does by default) and links back to `return_url`.
import { invalidParam } from "../errors.mjs";
import { obj, oneOf, str } from "../params.mjs";
import { reply } from "../router.mjs";
import { newId } from "../store.mjs";
import { attemptInvoicePayment } from "./billing-invoices.mjs";
import { updateSubscription } from "./billing-subscriptions.mjs";
import { formatDate, formatMoney, intervalText, priceName } from "./billing-util.mjs";
import { authenticatePaymentIntent } from "./payment-intents.mjs";
import { resolvePaymentMethod } from "./payment-methods.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */

const HTML = { "Content-Type": "text/html; charset=utf-8" };
const FLOWS = /** @type {const} */ (["payment_method_update", "subscription_cancel", "subscription_update", "subscription_update_confirm"]);

/** @param {unknown} value */
function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The account's default portal configuration (created on first use, like the Dashboard's default).
 * @param {Store} store
 */
function defaultConfiguration(store) {
  const existing = store.all("billing_portal.configuration", { is_default: true })[0];
  if (existing) return existing;
  return store.create("bpc", {
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: ["email", "address"], enabled: true },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: "at_period_end", proration_behavior: "none" },
      subscription_update: { enabled: false },
    },
    is_default: true,
    login_page: { enabled: false, url: null },
    metadata: {},
    updated: store.now(),
  });
}

/**
 * @param {Store} store
 * @param {StripeObject} session
 * @param {string | undefined} note
 */
function portalPage(store, session, note) {
  const customer = store.get("customer", session.customer);
  const subs = store.all("subscription", (s) => s.customer === customer.id && s.status !== "incomplete_expired");
  const invoices = store.all("invoice", (i) => i.customer === customer.id && i.status !== "draft");
  const subRows = subs
    .map((s) => {
      const item = s.items.data[0];
      const price = item.price;
      const plan = `${esc(priceName(store, price))} — ${esc(formatMoney(price.unit_amount ?? 0, price.currency))} / ${esc(intervalText(price.recurring))}`;
      const end = formatDate(item.current_period_end);
      const state = s.status === "canceled" ? "Canceled" : s.cancel_at_period_end ? `Cancels on ${end}` : `Renews on ${end}`;
      const action =
        s.status !== "canceled" && !s.cancel_at_period_end
          ? `<form method="post" action="/p/session/${esc(session.id)}/subscriptions/${esc(s.id)}/cancel"><button>Cancel plan</button></form>`
          : s.status !== "canceled"
            ? `<form method="post" action="/p/session/${esc(session.id)}/subscriptions/${esc(s.id)}/renew"><button>Renew plan</button></form>`
            : "";
      return `<li data-subscription="${esc(s.id)}">${plan} · <span data-status>${esc(s.status)}</span> · ${esc(state)} ${action}</li>`;
    })
    .join("");
  const invoiceRows = invoices
    .map(
      (i) =>
        `<li><a href="${esc(i.hosted_invoice_url)}">${esc(i.number)}</a> ${esc(formatDate(i.created))} ${esc(formatMoney(i.total, i.currency))} ${esc(i.status)}</li>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title></head><body><main>
<h1>Billing for ${esc(customer.email ?? customer.name ?? customer.id)}</h1>${note ? `<p role="status">${esc(note)}</p>` : ""}
<h2>Current plan</h2><ul>${subRows || "<li>No subscriptions.</li>"}</ul>
<h2>Payment method</h2><p data-payment-method>${esc(paymentMethodText(store, customer))}</p>
<form method="post" action="/p/session/${esc(session.id)}/payment_method"><select name="payment_method"><option>pm_card_visa</option><option>pm_card_mastercard</option><option>pm_card_chargeDeclined</option></select> <button>Update payment method</button></form>
<h2>Invoice history</h2><ul>${invoiceRows || "<li>No invoices.</li>"}</ul>
${session.return_url ? `<p><a href="${esc(session.return_url)}" data-return>Return</a></p>` : ""}</main></body></html>`;
}

/**
 * "visa •••• 4242", or "None".
 * @param {Store} store
 * @param {StripeObject} customer
 */
function paymentMethodText(store, customer) {
  const id = customer.invoice_settings?.default_payment_method;
  if (!id) return "None";
  const pm = store.find(id);
  // a test token (pm_card_visa) set directly on the customer has no stored PaymentMethod: show the token
  return pm?.card ? `${pm.card.brand} •••• ${pm.card.last4}` : id;
}

/**
 * The portal's "update payment method": the card becomes the customer's default (payment_method.attached,
 * customer.updated) and, as Stripe does when a customer fixes their card, the open invoices of their
 * subscriptions are charged with it at once (the page passes 3-D Secure itself).
 * @param {import("../router.mjs").Ctx} ctx
 */
function updatePaymentMethod(ctx) {
  const session = sessionOf(ctx);
  if (!session) return reply(404, "<!doctype html><title>Not found</title><p>This portal session does not exist.</p>", HTML);
  const token = typeof ctx.body.payment_method === "string" && ctx.body.payment_method.length <= 100 ? ctx.body.payment_method : "";
  if (!token) return reply(422, portalPage(ctx.store, session, "Choose a card."), HTML);
  const store = ctx.store;
  const { paymentMethod } = resolvePaymentMethod(store, token);
  const attached = store.update("payment_method", paymentMethod.id, { customer: session.customer });
  store.emit("payment_method.attached", attached);
  const customer = store.get("customer", session.customer);
  store.update(
    "customer",
    customer.id,
    { invoice_settings: { ...customer.invoice_settings, default_payment_method: attached.id } },
    { emit: "customer.updated" },
  );
  const open = store.all(
    "invoice",
    (i) =>
      i.customer === customer.id && i.status === "open" && i.parent?.subscription_details && i.collection_method === "charge_automatically",
  );
  let failed = 0;
  for (const invoice of open) {
    const result = attemptInvoicePayment(store, invoice.id, { paymentMethod: attached.id, offSession: false });
    if (result.paymentIntent?.status === "requires_action") authenticatePaymentIntent(store, result.paymentIntent.id, "succeed");
    else if (result.failure) failed += 1;
  }
  if (failed > 0) return reply(402, portalPage(store, session, "The card was declined."), HTML);
  return reply(303, "", { Location: `/p/session/${session.id}` });
}

/**
 * The session of a portal page, or a 404 reply.
 * @param {import("../router.mjs").Ctx} ctx
 */
function sessionOf(ctx) {
  const session = ctx.store.find(ctx.params.id ?? "");
  return session?.object === "billing_portal.session" ? session : undefined;
}

/**
 * A portal action on one of the session customer's subscriptions.
 * @param {import("../router.mjs").Ctx} ctx
 * @param {boolean} cancel
 */
function setCancelAtPeriodEnd(ctx, cancel) {
  const session = sessionOf(ctx);
  if (!session) return reply(404, "<!doctype html><title>Not found</title><p>This portal session does not exist.</p>", HTML);
  const sub = ctx.store.find(ctx.params.sub ?? "");
  if (sub?.object !== "subscription" || sub.customer !== session.customer || sub.status === "canceled") {
    return reply(404, portalPage(ctx.store, session, "No such subscription."), HTML);
  }
  const end = sub.items.data[0].current_period_end;
  updateSubscription(ctx.store, sub.id, {
    cancel_at_period_end: cancel,
    cancel_at: cancel ? end : null,
    canceled_at: cancel ? ctx.now() : null,
    cancellation_details: { comment: null, feedback: null, reason: cancel ? "cancellation_requested" : null },
  });
  return reply(303, "", { Location: `/p/session/${session.id}` });
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/billing_portal/sessions",
    handler(ctx) {
      const body = ctx.body;
      const customer = ctx.store.get("customer", /** @type {string} */ (str(body, "customer", { required: true })), "customer");
      const configId = str(body, "configuration");
      const configuration = configId
        ? ctx.store.get("billing_portal.configuration", configId, "configuration")
        : defaultConfiguration(ctx.store);
      const returnUrl = str(body, "return_url", { max: 5000 }) ?? configuration.default_return_url ?? null;
      if (returnUrl && !/^https?:\/\//.test(returnUrl.slice(0, 8))) throw invalidParam("return_url", "Not a valid URL");
      const flowData = obj(body, "flow_data");
      const flowType = flowData ? oneOf(flowData, "type", FLOWS, { required: true }) : undefined;
      const id = newId("bps");
      return ctx.store.create("bps", {
        id,
        object: "billing_portal.session",
        configuration: configuration.id,
        customer: customer.id,
        customer_account: null,
        flow: flowData
          ? {
              type: flowType,
              after_completion: { type: "portal_homepage", hosted_confirmation: null, redirect: null },
              subscription_cancel:
                flowType === "subscription_cancel"
                  ? { retention: null, subscription: flowData.subscription_cancel?.subscription ?? null }
                  : null,
              subscription_update:
                flowType === "subscription_update" ? { subscription: flowData.subscription_update?.subscription ?? null } : null,
              subscription_update_confirm: null,
            }
          : null,
        locale: str(body, "locale") ?? null,
        on_behalf_of: str(body, "on_behalf_of") ?? null,
        return_url: returnUrl,
        url: `${ctx.base}/p/session/${id}`,
      });
    },
  },
  {
    method: "GET",
    path: "/p/session/:id",
    auth: false,
    handler(ctx) {
      const session = sessionOf(ctx);
      if (!session) return reply(404, "<!doctype html><title>Not found</title><p>This portal session does not exist.</p>", HTML);
      return reply(200, portalPage(ctx.store, session, undefined), HTML);
    },
  },
  { method: "POST", path: "/p/session/:id/subscriptions/:sub/cancel", auth: false, handler: (ctx) => setCancelAtPeriodEnd(ctx, true) },
  { method: "POST", path: "/p/session/:id/subscriptions/:sub/renew", auth: false, handler: (ctx) => setCancelAtPeriodEnd(ctx, false) },
  { method: "POST", path: "/p/session/:id/payment_method", auth: false, handler: updatePaymentMethod },
];
