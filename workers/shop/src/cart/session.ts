import type { AuthVariables } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";
import { limitUserWrites, rateLimit } from "@edgeworks/ratelimit";
import { unwrap } from "@edgeworks/realtime";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { type CartKey, cartOf, userCartKey } from "./cart-client";

/** The anonymous cart's cookie: 32 random bytes, base64url; only its SHA-256 names the cart. */
export const CART_COOKIE = "shop_cart";
/** How long the browser keeps the anonymous cart's cookie. */
export const CART_COOKIE_MAX_AGE_S = 30 * 86_400;
/** 32 bytes in base64url without padding are exactly 43 characters of this alphabet. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const COOKIE_OPTIONS = { path: "/shop", httpOnly: true, secure: true, sameSite: "Lax" } as const;

/** Whose cart a request works on. */
export interface CartSession {
  key: CartKey;
  /** The owner of the request's Idempotency-Key: the user id, or `anon:<cartId>`. */
  owner: string;
  /** The signed-in customer; null for an anonymous cart. */
  userId: string | null;
  /** An anonymous cart whose cookie this request created: it is empty, and reading it need not wake an object. */
  fresh: boolean;
}

/** The Hono environment of the cart routes: optional authentication, then the cart session. */
export type CartEnv = AppEnv<Env, Partial<AuthVariables> & { cart: CartSession }>;

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");

/** A new cookie value: 32 random bytes. */
export const newCartCookie = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The cart id of a cookie value: base64url(SHA-256(value)), so the id (in logs, idempotency rows) never reveals the cookie. */
export async function cartIdOf(cookie: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(cookie))));
}

/** The key of an anonymous cart. */
export const anonCartKey = (cartId: string): CartKey => `anon:${cartId}`;

/** The cookie's value when it is one we could have made; anything else is ignored (a new cart starts). */
function cookieOf(c: Context<CartEnv>): string | undefined {
  const raw = getCookie(c, CART_COOKIE);
  return raw !== undefined && raw.length === 43 && COOKIE_VALUE.test(raw) ? raw : undefined;
}

/**
 * Picks the request's cart (after optional authentication): a signed-in customer's `user:<id>` cart,
 * into which an anonymous cart cookie sent along is merged first (and the cookie expired); otherwise
 * the cookie's anonymous cart, or a new one with a new cookie. A forged or unknown cookie names an empty
 * cart of its own: the id is a hash of 32 random bytes, so nobody reaches another's cart by guessing.
 */
export const cartSession: MiddlewareHandler<CartEnv> = async function cartSession(c, next) {
  const cookie = cookieOf(c);
  const userId = c.var.auth?.userId;
  if (userId !== undefined) {
    const key = userCartKey(userId);
    if (cookie !== undefined) {
      unwrap(await cartOf(c.env, key).absorb(anonCartKey(await cartIdOf(cookie))));
      deleteCookie(c, CART_COOKIE, COOKIE_OPTIONS);
    }
    c.set("cart", { key, owner: userId, userId, fresh: false });
    return next();
  }
  const value = cookie ?? newCartCookie();
  if (cookie === undefined) setCookie(c, CART_COOKIE, value, { ...COOKIE_OPTIONS, maxAge: CART_COOKIE_MAX_AGE_S });
  const cartId = await cartIdOf(value);
  c.set("cart", { key: anonCartKey(cartId), owner: `anon:${cartId}`, userId: null, fresh: cookie === undefined });
  return next();
};

/** Cart writes per client network per minute without an account. */
export const ANONYMOUS_CART_WRITES = { limit: 120, periodMs: 60_000 };

/**
 * The write limit of the cart routes: a customer's writes count against the same per-user budget as
 * the guarded API's (`shop-write`, WRITE_RATE_LIMIT_PER_MINUTE); anonymous writes against their client
 * network's ({@link ANONYMOUS_CART_WRITES}). 429 with `Retry-After` beyond it.
 */
export function limitCartWrites(): MiddlewareHandler<CartEnv> {
  const users = limitUserWrites<CartEnv>("shop-write");
  const anonymous = rateLimit<Env>({ name: "shop-cart-anon", policy: ANONYMOUS_CART_WRITES, binding: (env) => env.RATE_LIMITER });
  // the anonymous limiter reads only the bindings and the request
  return (c, next) => (c.var.auth ? users(c, next) : anonymous(c as unknown as Context<{ Bindings: Env }>, next));
}
