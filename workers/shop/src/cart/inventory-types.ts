// The Inventory Durable Object's RPC shapes (src/do/inventory.ts), shared by its callers (cart, catalog,
// checkout) through src/cart/inventory-client.ts. Expected conflicts are data (`conflict: true`), not errors.

/** A variant and a number of units. */
export interface HoldLine {
  variantId: string;
  quantity: number;
}

/** On hand (`stock`) and still sellable (`available` = stock − live holds, never negative). */
export interface StockLevel {
  variantId: string;
  stock: number;
  available: number;
}

/**
 * The outcome of setting a hold: held (`quantity` now held, `available` left for everyone else), or a
 * conflict with `available` = the most this holder could hold of the variant.
 */
export type Reservation =
  | { conflict: false; variantId: string; quantity: number; available: number }
  | { conflict: true; variantId: string; available: number };

/** Holds moved (exactly `lines` now held by the receiver), or the variants that were short. */
export type Transfer = { conflict: false; lines: HoldLine[] } | { conflict: true; shortages: { variantId: string; available: number }[] };

/** What a merge granted the receiver per variant (capped by availability), and every variant it touched. */
export interface MergedHolds {
  lines: HoldLine[];
  variantIds: string[];
}

/** Holds dropped by a release. */
export interface Released {
  variantIds: string[];
  quantity: number;
}

/** Units sold by a commit (`replayed`: this holder was committed before; nothing changed this time). */
export interface Committed {
  lines: HoldLine[];
  /** Units sold beyond what was held or free (only when the caller named the expected lines). */
  shortfall: HoldLine[];
  replayed: boolean;
}

/** Units put back by a restock (`replayed`: this key was used before; nothing changed this time). */
export interface Restocked {
  lines: HoldLine[];
  replayed: boolean;
}

/** Stock levels of several variants. */
export interface Availability {
  variants: StockLevel[];
}
