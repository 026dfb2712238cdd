// The Cart Durable Object's RPC shapes (src/do/cart.ts), shared with its callers through
// src/cart/cart-client.ts (the cart routes, checkout).
import type { Result } from "@edgeworks/realtime";

/** How long a cart may sit unchanged before its alarm releases its stock (lines stay, `reserved: false`). */
export const CART_IDLE_MS = 15 * 60_000;
/** A cart's holds outlive its idle alarm by this much, so stock comes back even if the cart never wakes. */
export const CART_HOLD_TTL_MS = CART_IDLE_MS + 5 * 60_000;
/** Units of one variant in one cart line. */
export const MAX_LINE_QUANTITY = 99;
/** Distinct variants in one cart. */
export const MAX_CART_LINES = 50;

/** One cart line: a variant, its quantity and the price snapshot taken when it was added (or repriced). */
export interface CartLine {
  id: string;
  productId: string;
  variantId: string;
  sku: string;
  title: string;
  quantity: number;
  /** Minor units of `currency`. */
  unitPrice: number;
  currency: string;
  /** Whether the stock of this line is held for the cart now (false after the idle alarm, until the next change). */
  reserved: boolean;
}

/** A cart as its object keeps it; totals with the coupon's discount are added by the routes. */
export interface CartView {
  /** The cart's object id (its holds are `cart:<id>`). */
  id: string;
  lines: CartLine[];
  couponCode: string | null;
  /** The one currency of every line; null while empty. */
  currency: string | null;
  /** Σ unitPrice × quantity, minor units. */
  subtotal: number;
  /** ISO-8601. */
  updatedAt: string;
}

/** A stock conflict of a cart change: the problem's `variantId` and `available` (the most this cart can hold of it). */
export interface StockConflict {
  ok: false;
  code: "conflict";
  detail: string;
  variantId: string;
  available: number;
}

/** A cart change: the new view, an error, or a stock conflict. */
export type CartOutcome = Result<CartView> | StockConflict;

/** A new price of a variant (checkout's "prices changed"). */
export interface Reprice {
  variantId: string;
  unitPrice: number;
}

/**
 * The start of a checkout: the cart's holds moved to `order:<orderId>` and the cart emptied (its lines
 * and coupon returned), or the variants that were short (nothing moved, the cart unchanged).
 */
export type CheckoutStart =
  | { conflict: false; orderId: string; lines: CartLine[]; couponCode: string | null; currency: string; subtotal: number }
  | { conflict: true; shortages: { variantId: string; available: number }[] };

/** What an anonymous cart hands over when it is merged into a user's cart. */
export interface DrainedCart {
  holder: string;
  lines: CartLine[];
  couponCode: string | null;
}
