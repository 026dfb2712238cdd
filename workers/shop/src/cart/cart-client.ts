import { ApiError } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import type { CartOutcome, CartView } from "./cart-types";

export * from "./cart-types";

/** A cart's key: `user:<userId>` for a signed-in customer, `anon:<cartId>` for an anonymous cookie's cart. */
export type CartKey = `user:${string}` | `anon:${string}`;

/** The cart's Durable Object: `CART.idFromName(key)`. */
export const cartOf = (env: Pick<Env, "CART">, key: CartKey) => env.CART.get(env.CART.idFromName(key));

/** The key of a user's cart. */
export const userCartKey = (userId: string): CartKey => `user:${userId}`;

/**
 * The view of a cart change, or its failure thrown as an ApiError; a stock conflict is a 409 whose
 * problem carries `variantId` and `available`.
 */
export function unwrapCart(outcome: CartOutcome): CartView {
  if (!outcome.ok && "variantId" in outcome) {
    throw new ApiError("conflict", outcome.detail, { extensions: { variantId: outcome.variantId, available: outcome.available } });
  }
  return unwrap(outcome);
}
