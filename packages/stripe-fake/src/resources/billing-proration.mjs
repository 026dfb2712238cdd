// @ts-check
// Subscription items and the lines a subscription bills: the first invoice, each renewal (licensed items in
// advance for the new period, metered items in arrears for the period that ended) and prorations on a change.
// Proration is Stripe's default, to the second: the unused share of the current period on the old price is
// credited and the same share on the new price is charged (https://docs.stripe.com/billing/subscriptions/prorations).
import { invalidParam } from "../errors.mjs";
import { bool, str } from "../params.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { meterUsage } from "./billing-meters.mjs";
import { priceOfItem } from "./billing-products.mjs";
import { boundedInt, lineDescription, MAX_QUANTITY, planOf, priceName, prorate, prorationDescription } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../store.mjs").Store} Store */
/** @typedef {import("./billing-invoices.mjs").LineSpec} LineSpec */
/** @typedef {{ start: number, end: number }} Period */

/**
 * A subscription item as Stripe shapes it (price embedded, legacy plan, period on the item since API 2025).
 * @param {{ id?: string, subscription: string, price: StripeObject, quantity: number, metadata?: Record<string, string>, period: Period, created: number }} spec
 */
export function buildItem(spec) {
  const metered = spec.price.recurring?.usage_type === "metered";
  return {
    id: spec.id ?? newId("si", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created: spec.created,
    current_period_end: spec.period.end,
    current_period_start: spec.period.start,
    discounts: [],
    metadata: spec.metadata ?? {},
    plan: planOf(spec.price),
    price: spec.price,
    ...(metered ? {} : { quantity: spec.quantity }),
    subscription: spec.subscription,
    tax_rates: [],
  };
}

/**
 * The quantity an item bills (metered items have none; Stripe omits it).
 * @param {StripeObject} item
 */
export function quantityOf(item) {
  return item.quantity ?? 1;
}

/**
 * The current period of a subscription (every item shares it in the fake).
 * @param {StripeObject} sub
 * @returns {Period}
 */
export function periodOf(sub) {
  const first = sub.items.data[0];
  return { start: first.current_period_start, end: first.current_period_end };
}

/**
 * Checks that items can share one subscription: one currency, one billing interval.
 * @param {StripeObject[]} prices
 * @param {string} param
 */
export function assertCompatible(prices, param) {
  const first = prices[0];
  if (!first) throw invalidParam(param, "A subscription needs at least one item.", "parameter_missing");
  for (const price of prices) {
    if (price.currency !== first.currency)
      throw invalidParam(param, "Currency and interval fields must match across all plans on this subscription.");
    if (price.recurring.interval !== first.recurring.interval || price.recurring.interval_count !== first.recurring.interval_count) {
      throw invalidParam(param, "Currency and interval fields must match across all plans on this subscription.");
    }
  }
}

/**
 * The items a subscription has after `items[]` params (update semantics: `id` changes or `deleted` removes an
 * item, no `id` adds one, unnamed items stay). Returns the new items; prices are resolved or created.
 * @param {import("../router.mjs").Ctx} ctx
 * @param {StripeObject} sub
 * @param {StripeObject[]} params
 * @param {Period} period
 */
export function applyItemParams(ctx, sub, params, period) {
  /** @type {StripeObject[]} */
  let items = sub.items.data.map((/** @type {StripeObject} */ i) => ({ ...i }));
  params.forEach((raw, n) => {
    const param = `items[${n}]`;
    if (typeof raw !== "object" || raw === null) throw invalidParam(param, "Invalid object");
    const id = str(raw, "id");
    if (id) {
      const at = items.findIndex((i) => i.id === id);
      if (at < 0) throw invalidParam(`${param}[id]`, `No such subscription item: '${id}'`, "resource_missing");
      if (bool(raw, "deleted")) {
        items = items.filter((i) => i.id !== id);
        return;
      }
      const current = /** @type {StripeObject} */ (items[at]);
      const price =
        raw.price !== undefined || raw.price_data !== undefined ? priceOfItem(ctx, raw, param, { recurring: true }) : current.price;
      const quantity =
        boundedInt(raw, "quantity", MAX_QUANTITY, `${param}[quantity]`) ?? (price.id === current.price.id ? quantityOf(current) : 1); // Stripe: a new price resets quantity to 1
      const metadata = raw.metadata !== undefined ? mergeMetadata(current.metadata, raw.metadata) : current.metadata;
      items[at] = buildItem({ id, subscription: sub.id, price, quantity, metadata, period, created: current.created });
      return;
    }
    const price = priceOfItem(ctx, raw, param, { recurring: true });
    if (items.some((i) => i.price.id === price.id)) {
      throw invalidParam(`${param}[price]`, "Cannot add multiple subscription items with the same price.");
    }
    items.push(
      buildItem({
        subscription: sub.id,
        price,
        quantity: boundedInt(raw, "quantity", MAX_QUANTITY, `${param}[quantity]`) ?? 1,
        metadata: mergeMetadata({}, raw.metadata),
        period,
        created: ctx.now(),
      }),
    );
  });
  return items;
}

/**
 * The full-period amount of a licensed item.
 * @param {StripeObject} item
 */
function amountOf(item) {
  return (item.price.unit_amount ?? 0) * quantityOf(item);
}

/**
 * Proration lines for changing `before` → `after` at `at` within `period`: for every licensed item whose price or
 * quantity changed (or that was removed / added), a credit for the unused time of the old terms and a charge
 * for the remaining time on the new ones.
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {StripeObject[]} before
 * @param {StripeObject[]} after
 * @param {Period} period
 * @param {number} at
 * @param {{ invoice: string, lines: StripeObject[] } | null} lastInvoice the invoice that billed the current terms
 * @returns {LineSpec[]}
 */
export function prorationLines(store, sub, before, after, period, at, lastInvoice) {
  /** @type {LineSpec[]} */
  const lines = [];
  const licensed = (/** @type {StripeObject} */ i) => i.price.recurring?.usage_type !== "metered";
  const common = { currency: sub.currency, period: { start: at, end: period.end }, subscription: sub.id, proration: true };
  for (const old of before.filter(licensed)) {
    const now = after.find((i) => i.id === old.id);
    if (now && now.price.id === old.price.id && quantityOf(now) === quantityOf(old)) continue;
    const credited = lastInvoice?.lines.find(
      (l) => l.parent?.subscription_item_details?.subscription_item === old.id && !l.parent?.subscription_item_details?.proration,
    );
    lines.push({
      ...common,
      amount: -prorate(amountOf(old), period, at),
      description: prorationDescription("Unused", store, old.price, quantityOf(old), at),
      quantity: quantityOf(old),
      price: old.price,
      subscriptionItem: old.id,
      creditedItems: credited && lastInvoice ? { invoice: lastInvoice.invoice, invoice_line_items: [credited.id] } : null,
    });
  }
  for (const item of after.filter(licensed)) {
    const old = before.find((i) => i.id === item.id);
    if (old && old.price.id === item.price.id && quantityOf(old) === quantityOf(item)) continue;
    if (quantityOf(item) === 0) continue;
    lines.push({
      ...common,
      amount: prorate(amountOf(item), period, at),
      description: prorationDescription("Remaining", store, item.price, quantityOf(item), at),
      quantity: quantityOf(item),
      price: item.price,
      subscriptionItem: item.id,
    });
  }
  return lines.filter((l) => l.amount !== 0);
}

/**
 * Lines of an invoice that starts `period`: each licensed item in advance (a metered one at 0, billed later).
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {StripeObject[]} items
 * @param {Period} period
 * @param {{ trial?: boolean, first?: boolean }} [options] trial lines are "Trial period for Pro" at 0; only a
 *   subscription's first invoice shows metered items (at 0): later ones bill them in arrears (usageLines)
 * @returns {LineSpec[]}
 */
export function advanceLines(store, sub, items, period, options = {}) {
  const billed = options.first ? items : items.filter((i) => i.price.recurring?.usage_type !== "metered");
  return billed.map((item) => {
    const metered = item.price.recurring?.usage_type === "metered";
    const amount = options.trial || metered ? 0 : amountOf(item);
    return {
      amount,
      currency: sub.currency,
      description: options.trial
        ? `Trial period for ${priceName(store, item.price)}`
        : lineDescription(store, item.price, metered ? 0 : quantityOf(item)),
      period,
      quantity: metered ? 0 : quantityOf(item),
      price: item.price,
      subscription: sub.id,
      subscriptionItem: item.id,
    };
  });
}

/**
 * Lines for metered items over a period that ended: the meter's aggregate × unit_amount (never below 0).
 * @param {Store} store
 * @param {StripeObject} sub
 * @param {StripeObject[]} items
 * @param {Period} period
 * @returns {LineSpec[]}
 */
export function usageLines(store, sub, items, period) {
  /** @type {LineSpec[]} */
  const lines = [];
  for (const item of items) {
    const meterId = item.price.recurring?.meter;
    if (!meterId) continue;
    const meter = store.find(meterId);
    if (!meter) continue;
    const usage = Math.max(0, meterUsage(store, meter, sub.customer, period.start, period.end));
    const quantity = Math.round(usage);
    lines.push({
      amount: Math.round(usage * (item.price.unit_amount ?? 0)),
      currency: sub.currency,
      description: lineDescription(store, item.price, quantity),
      period,
      quantity,
      price: item.price,
      subscription: sub.id,
      subscriptionItem: item.id,
    });
  }
  return lines;
}
