// Checkout's tax and shipping: flat tables, documented in workers/shop/README.md.
import { ApiError } from "@edgeworks/http";

/**
 * Tax per destination country (ISO 3166-1 alpha-2), in basis points of the discounted subtotal
 * (2000 = 20 %). Shipping is not taxed. A country missing here is not shipped to (422).
 */
export const TAX_RATES_BPS: Readonly<Record<string, number>> = {
  US: 0,
  CA: 500,
  GB: 2000,
  IE: 2300,
  DE: 1900,
  FR: 2000,
  NL: 2100,
  BE: 2100,
  ES: 2100,
  IT: 2200,
  PL: 2300,
  SE: 2500,
  DK: 2500,
  NO: 2500,
  CH: 810,
  AT: 2000,
  AU: 1000,
  NZ: 1500,
  JP: 1000,
};

/** The shipping methods. */
export const SHIPPING_METHODS = ["standard", "express"] as const;
export type ShippingMethod = (typeof SHIPPING_METHODS)[number];

/** Flat shipping per order, per method and currency, in minor units. A currency missing here cannot be checked out (422). */
export const SHIPPING_RATES: Readonly<Record<ShippingMethod, Readonly<Record<string, number>>>> = {
  standard: { USD: 500, EUR: 500, GBP: 450, CAD: 700, AUD: 900, PLN: 1900, CHF: 700, SEK: 5900, NOK: 5900, DKK: 3900, JPY: 800 },
  express: { USD: 1500, EUR: 1400, GBP: 1200, CAD: 2000, AUD: 2500, PLN: 4900, CHF: 1900, SEK: 14900, NOK: 14900, DKK: 9900, JPY: 2000 },
};

/**
 * The currencies checkout can sell in: those with a shipping rate for every method. The catalog refuses a
 * product or variant priced in any other (422), so nothing unsellable is listed.
 */
export const CHECKOUT_CURRENCIES: readonly string[] = Object.keys(SHIPPING_RATES.standard).filter((c) =>
  SHIPPING_METHODS.every((m) => SHIPPING_RATES[m][c] !== undefined),
);

/** The totals of an order, in minor units. */
export interface Totals {
  currency: string;
  subtotal: number;
  discount: number;
  tax: number;
  taxRateBps: number;
  shipping: number;
  total: number;
}

/**
 * The order's totals: tax = round(bps × (subtotal − discount) / 10 000), shipping flat by method and
 * currency, total = subtotal − discount + tax + shipping. 422 for a country or currency not served.
 *
 * @example totalsOf({ currency: "USD", subtotal: 10000, discount: 1000, country: "DE", shippingMethod: "standard" }) // tax 1710, shipping 500, total 10210
 */
export function totalsOf(input: {
  currency: string;
  subtotal: number;
  discount: number;
  country: string;
  shippingMethod: ShippingMethod;
}): Totals {
  const taxRateBps = TAX_RATES_BPS[input.country];
  if (taxRateBps === undefined) {
    throw new ApiError("validation_failed", `The shop does not ship to ${input.country}`, {
      errors: [{ path: "country", location: "body", message: "Not a country the shop ships to" }],
    });
  }
  const shipping = SHIPPING_RATES[input.shippingMethod][input.currency];
  if (shipping === undefined) {
    throw new ApiError("validation_failed", `Orders in ${input.currency} cannot be shipped`, {
      errors: [{ path: "currency", location: "body", message: "No shipping rate for this currency" }],
    });
  }
  const discount = Math.min(Math.max(input.discount, 0), input.subtotal);
  const taxable = input.subtotal - discount;
  const tax = Math.round((taxable * taxRateBps) / 10_000);
  return { currency: input.currency, subtotal: input.subtotal, discount, tax, taxRateBps, shipping, total: taxable + tax + shipping };
}

/**
 * An amount as people read it ("$12.34", "¥800"), from minor units.
 *
 * @example formatMoney(1234, "USD") // "$12.34"
 */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
