// @ts-check
// `POST /v1/invoices/create_preview` (stripe-node 23: `stripe.invoices.createPreview`): the invoice a
// subscription would produce, nothing stored. With `subscription_details[items]` it previews a change:
// `create_prorations` (default) shows the next renewal with the proration lines it would carry,
// `always_invoice` (or an interval change / `billing_cycle_anchor=now`) the invoice that would be charged at
// once, `none` the renewal without prorations. Without a subscription it previews a new one's first invoice.
import { invalidParam } from "../errors.mjs";
import { arr, bool, int, obj, oneOf, str } from "../params.mjs";
import { newId } from "../store.mjs";
import { buildInvoice } from "./billing-invoices.mjs";
import { priceOfItem } from "./billing-products.mjs";
import { advanceLines, applyItemParams, assertCompatible, buildItem, periodOf, prorationLines, usageLines } from "./billing-proration.mjs";
import { nextBoundary, periodBoundary } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("./billing-invoices.mjs").LineSpec} LineSpec */

/**
 * @param {import("../router.mjs").Ctx} ctx
 * @param {StripeObject} sub
 * @param {StripeObject} details subscription_details
 */
function previewChange(ctx, sub, details) {
  const store = ctx.store;
  const now = ctx.now();
  const behaviour =
    oneOf(details, "proration_behavior", /** @type {const} */ (["create_prorations", "none", "always_invoice"])) ?? "create_prorations";
  const at = int(details, "proration_date", { min: 0 }) ?? now;
  const period = periodOf(sub);
  if (at < period.start || at > period.end)
    throw invalidParam("subscription_details[proration_date]", "The proration date must be within the current billing period.");
  const itemParams = arr(details, "items");
  /** @type {StripeObject[]} */
  const items = itemParams.length > 0 ? applyItemParams(ctx, sub, itemParams, period) : sub.items.data;
  assertCompatible(
    items.map((i) => i.price),
    "subscription_details[items]",
  );
  const recurring = /** @type {StripeObject} */ (items[0]).price.recurring;
  const old = sub.items.data[0].price.recurring;
  const reset =
    recurring.interval !== old.interval || recurring.interval_count !== old.interval_count || details.billing_cycle_anchor === "now";
  const last = sub.latest_invoice ? store.find(sub.latest_invoice) : undefined;
  const prorations =
    behaviour === "none" || sub.status === "trialing"
      ? []
      : prorationLines(store, sub, sub.items.data, items, period, at, last ? { invoice: last.id, lines: last.lines.data } : null);
  if (reset) {
    const next = { start: now, end: periodBoundary(now, recurring, 1) };
    const renewed = items.map((i) => ({ ...i, current_period_start: next.start, current_period_end: next.end }));
    return {
      lines: [...prorations.filter((l) => l.amount < 0), ...advanceLines(store, sub, renewed, next)],
      period: next,
      reason: "subscription_update",
      pending: true,
      created: now,
    };
  }
  if (behaviour === "always_invoice")
    return { lines: prorations, period: { start: at, end: period.end }, reason: "subscription_update", pending: true, created: now };
  const cancels = bool(details, "cancel_at_period_end") ?? sub.cancel_at_period_end;
  const next = { start: period.end, end: nextBoundary(sub.billing_cycle_anchor, recurring, period.end) };
  const renewed = items.map((i) => ({ ...i, current_period_start: next.start, current_period_end: next.end }));
  const usage = sub.status === "trialing" ? [] : usageLines(store, sub, sub.items.data, period);
  const advance = cancels ? [] : advanceLines(store, sub, renewed, next);
  return { lines: [...prorations, ...advance, ...usage], period, reason: "subscription_cycle", pending: true, created: period.end };
}

/**
 * The first invoice of a subscription that does not exist yet.
 * @param {import("../router.mjs").Ctx} ctx
 * @param {StripeObject} details
 */
function previewNew(ctx, details) {
  const params = arr(details, "items");
  if (params.length === 0)
    throw invalidParam("subscription_details[items]", "Missing required param: subscription_details[items].", "parameter_missing");
  const prices = params.map((raw, n) => priceOfItem(ctx, raw, `subscription_details[items][${n}]`, { recurring: true }));
  assertCompatible(prices, "subscription_details[items]");
  const first = /** @type {StripeObject} */ (prices[0]);
  const now = ctx.now();
  const period = { start: now, end: periodBoundary(now, first.recurring, 1) };
  const sub = { id: null, currency: first.currency, metadata: {} };
  const items = prices.map((price, n) =>
    buildItem({ subscription: "", price, quantity: int(params[n], "quantity", { min: 0 }) ?? 1, period, created: now }),
  );
  return {
    lines: advanceLines(ctx.store, sub, items, period, { first: true }),
    period,
    reason: "subscription_create",
    pending: false,
    created: now,
    currency: first.currency,
  };
}

/**
 * The next renewal invoice of a subscription as `invoice.upcoming` carries it (no id, nothing stored).
 * @param {import("../store.mjs").Store} store
 * @param {StripeObject} sub
 */
export function upcomingInvoice(store, sub) {
  const ctx = /** @type {import("../router.mjs").Ctx} */ (
    /** @type {unknown} */ ({ store, now: () => store.now(), params: {}, body: {}, query: {} })
  );
  const preview = previewChange(ctx, sub, {});
  const invoice = buildInvoice(
    store,
    {
      customer: sub.customer,
      currency: sub.currency,
      subscription: sub,
      billingReason: "upcoming",
      period: preview.period,
      lines: preview.lines,
      includePending: true,
      created: preview.created,
    },
    "upcoming",
  );
  return { ...invoice, id: null, next_payment_attempt: preview.created };
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/invoices/create_preview",
    handler(ctx) {
      const body = ctx.body;
      const subId = str(body, "subscription");
      const sub = subId ? ctx.store.get("subscription", subId, "subscription") : undefined;
      const customerId = str(body, "customer") ?? sub?.customer;
      if (!customerId) throw invalidParam("customer", "Missing required param: customer.", "parameter_missing");
      const customer = ctx.store.get("customer", customerId, "customer");
      if (sub && sub.customer !== customer.id) throw invalidParam("subscription", "The subscription does not belong to this customer.");
      if (sub && (sub.status === "canceled" || sub.status === "incomplete_expired")) {
        throw invalidParam("subscription", "No upcoming invoices for a canceled subscription.", "invoice_upcoming_none");
      }
      const details = obj(body, "subscription_details") ?? {};
      const preview = sub ? previewChange(ctx, sub, details) : previewNew(ctx, details);
      const currency = sub?.currency ?? ("currency" in preview ? preview.currency : "usd");
      const invoice = buildInvoice(
        ctx.store,
        {
          customer: customer.id,
          currency,
          subscription: sub ?? null,
          billingReason: preview.reason,
          period: preview.period,
          lines: preview.lines,
          includePending: preview.pending,
          created: preview.created,
        },
        `upcoming_${newId("in")}`,
      );
      return {
        ...invoice,
        amount_due: Math.max(0, invoice.total + (customer.balance ?? 0)),
        amount_remaining: Math.max(0, invoice.total + (customer.balance ?? 0)),
        starting_balance: customer.balance ?? 0,
      };
    },
  },
];
