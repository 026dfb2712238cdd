// @ts-check
// Shared pieces of the billing half: calendar periods as Stripe bills them (monthly anchors keep their day of
// the month, clamped to the month's last day), proration by seconds, and the descriptions Stripe writes on
// invoice lines ("1 × Pro (at $10.00 / month)", "Unused time on Pro after 05 Dec 2026").
import { invalidParam } from "../errors.mjs";
import { int } from "../params.mjs";

const DAY = 86_400;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {"day" | "week" | "month" | "year"} Interval */

/**
 * `anchor` moved by `months` calendar months, keeping its day of the month (31 Jan + 1 → 28/29 Feb) and time.
 * @param {number} anchor unix seconds
 * @param {number} months
 */
export function addMonths(anchor, months) {
  const date = new Date(anchor * 1000);
  const day = date.getUTCDate();
  const target = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}

/**
 * The end of the `n`-th billing period after `anchor` (n = 1 is the first period's end).
 * @param {number} anchor billing_cycle_anchor
 * @param {{ interval: Interval, interval_count: number }} recurring
 * @param {number} n
 */
export function periodBoundary(anchor, recurring, n) {
  const count = recurring.interval_count * n;
  if (recurring.interval === "day") return anchor + count * DAY;
  if (recurring.interval === "week") return anchor + count * 7 * DAY;
  if (recurring.interval === "month") return addMonths(anchor, count);
  return addMonths(anchor, 12 * count);
}

/**
 * The first period boundary after `after` counted from `anchor` (the end of the period that contains `after`).
 * @param {number} anchor
 * @param {{ interval: Interval, interval_count: number }} recurring
 * @param {number} after
 */
export function nextBoundary(anchor, recurring, after) {
  for (let n = 1; n < 100_000; n++) {
    const end = periodBoundary(anchor, recurring, n);
    if (end > after) return end;
  }
  throw new Error("nextBoundary: period out of range");
}

/**
 * Stripe's proration: the share of the period [start, end) left after `at`, to the second.
 * @param {number} amount the full-period amount (unit_amount × quantity)
 * @param {{ start: number, end: number }} period
 * @param {number} at the proration date
 */
export function prorate(amount, period, at) {
  const length = period.end - period.start;
  if (length <= 0 || at >= period.end) return 0;
  const left = period.end - Math.max(at, period.start);
  const value = (amount * left) / length;
  return Math.sign(value) * Math.round(Math.abs(value));
}

/**
 * "05 Dec 2026", the date Stripe writes in proration descriptions.
 * @param {number} seconds
 */
export function formatDate(seconds) {
  const d = new Date(seconds * 1000);
  return `${String(d.getUTCDate()).padStart(2, "0")} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * "$10.00", "€9.50", "¥1,000": minor units in the currency's own exponent.
 * @param {number} minor
 * @param {string} currency lowercase ISO code
 */
export function formatMoney(minor, currency) {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/**
 * "month", "3 months": how Stripe names a price's interval in line descriptions.
 * @param {{ interval: string, interval_count: number }} recurring
 */
export function intervalText(recurring) {
  return recurring.interval_count === 1 ? recurring.interval : `${recurring.interval_count} ${recurring.interval}s`;
}

/**
 * The name a line uses for a price: its product's name (or the nickname when the product is gone).
 * @param {{ find: (id: string) => StripeObject | undefined }} store
 * @param {StripeObject} price
 */
export function priceName(store, price) {
  const product = store.find(price.product);
  return product?.name ?? price.nickname ?? price.id;
}

/**
 * "1 × Pro (at $10.00 / month)".
 * @param {{ find: (id: string) => StripeObject | undefined }} store
 * @param {StripeObject} price
 * @param {number} quantity
 */
export function lineDescription(store, price, quantity) {
  const at = formatMoney(price.unit_amount ?? 0, price.currency);
  const per = price.recurring ? ` / ${price.recurring.usage_type === "metered" ? "unit" : intervalText(price.recurring)}` : "";
  return `${quantity} × ${priceName(store, price)} (at ${at}${per})`;
}

/**
 * "Unused time on 2 × Pro after 05 Dec 2026" / "Remaining time on Pro after 05 Dec 2026".
 * @param {"Unused" | "Remaining"} kind
 * @param {{ find: (id: string) => StripeObject | undefined }} store
 * @param {StripeObject} price
 * @param {number} quantity
 * @param {number} at
 */
export function prorationDescription(kind, store, price, quantity, at) {
  const what = quantity === 1 ? priceName(store, price) : `${quantity} × ${priceName(store, price)}`;
  return `${kind} time on ${what} after ${formatDate(at)}`;
}

/**
 * The legacy `plan` Stripe still puts on subscription items, derived from a recurring price.
 * @param {StripeObject} price
 */
export function planOf(price) {
  const recurring = price.recurring ?? {};
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval ?? null,
    interval_count: recurring.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: recurring.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days ?? null,
    usage_type: recurring.usage_type ?? "licensed",
  };
}

/**
 * Keeps `value` (a string param) for `expand[]` checks: whether `path` (e.g. "latest_invoice") is expanded.
 * @param {unknown} expand the parsed `expand` param
 * @param {string} path
 */
export function expands(expand, path) {
  if (!Array.isArray(expand)) return false;
  return expand.some((e) => e === path || (typeof e === "string" && e.startsWith(`${path}.`)));
}

/**
 * The sub-paths of `expand` below `path` ("latest_invoice.payments" → "payments" for "latest_invoice").
 * @param {unknown} expand
 * @param {string} path
 * @returns {string[]}
 */
export function expandsBelow(expand, path) {
  if (!Array.isArray(expand)) return [];
  return expand.filter((e) => typeof e === "string" && e.startsWith(`${path}.`)).map((e) => e.slice(path.length + 1));
}

/** Stripe's ceiling for `unit_amount` (8 digits) and the fake's for a quantity, so totals stay exact integers. */
export const MAX_UNIT_AMOUNT = 99_999_999;
export const MAX_QUANTITY = 1_000_000;

/**
 * An integer param between 0 and `max` (Stripe: "This value must be less than or equal to 99999999.").
 * @param {Record<string, any>} body
 * @param {string} name
 * @param {number} max
 * @param {string} [param] the name the error reports (nested params: "items[0][quantity]")
 */
export function boundedInt(body, name, max, param = name) {
  const value = int(body, name, { min: 0 });
  if (value !== undefined && value > max)
    throw invalidParam(param, `This value must be less than or equal to ${max}.`, "parameter_invalid_integer");
  return value;
}
