import {
  ApiError,
  createRouter,
  errors,
  IDEMPOTENCY_NOTE as IDEMPOTENCY_NOTE_ALL,
  idempotency,
  idempotencyKeyHeaders,
  jsonBody,
  jsonResponse,
} from "@edgeworks/http";
import { authenticateIfPresent, type OptionalAuthEnv } from "@edgeworks/product";
import { unwrap } from "@edgeworks/realtime";
import { createRoute } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import type { Context, MiddlewareHandler } from "hono";
import { type CartView, cartOf, unwrapCart } from "./cart-client";
import { type CouponRefusal, evaluateCoupon } from "./coupons";
import { type CartEnv, cartSession, limitCartWrites } from "./session";
import { addItemBody, type CartResponse, cartSchema, couponBody, lineIdParams, setQuantityBody, stockProblemSchema } from "./validation";

const COOKIE_NOTE =
  "Open to anonymous callers: without an `Authorization` header the cart is the one of the `shop_cart` cookie (HttpOnly, " +
  "Secure, SameSite=Lax, Path=/shop; set on the first request). With a token it is the customer's cart, and a `shop_cart` " +
  "cookie sent along is merged into it first (quantities add up, capped by stock) and expired.";
const IDEMPOTENCY_NOTE = `${IDEMPOTENCY_NOTE_ALL} Keys are per customer, or per anonymous cart.`;

const security: Record<string, string[]>[] = [{}, { bearerAuth: [] }];
const base = { tags: ["Cart"], security };
const idempotencyHeaders = idempotencyKeyHeaders({ description: "Makes a retry within 24 h replay the first answer", example: "add-1" });
const cartResponse = jsonResponse(cartSchema, "The cart, with totals and the coupon's estimated discount");
const stockConflict = {
  409: {
    description: "Not enough stock: `available` is the most this cart can hold of `variantId`",
    content: { "application/problem+json": { schema: stockProblemSchema } },
  },
};

/** Optional authentication with `scope` (a sent credential must be valid, 401, and hold the scope, 403), typed for the cart routes. */
function optionalAuth(scope: string): MiddlewareHandler<CartEnv> {
  const authenticate = authenticateIfPresent<Env>({ scope });
  // the cart env only adds the `cart` variable, which authentication neither reads nor sets
  return (c, next) => authenticate(c as unknown as Context<OptionalAuthEnv<Env>>, next);
}
const readAuth = optionalAuth("shop:read");
const writeAuth = optionalAuth("shop:write");
const limitWrites = limitCartWrites();
const idempotent = idempotency<CartEnv>({ database: (env) => env.DB, owner: (c) => c.var.cart?.owner });

export const getCartRoute = createRoute({
  ...base,
  method: "get",
  path: "/cart",
  operationId: "getCart",
  summary: "Get the cart",
  description: COOKIE_NOTE,
  middleware: [readAuth, cartSession] as const,
  responses: { 200: cartResponse, ...errors(401, 403) },
});

export const clearCartRoute = createRoute({
  ...base,
  method: "delete",
  path: "/cart",
  operationId: "clearCart",
  summary: "Empty the cart",
  description: `Removes every line and the coupon and releases the stock. ${IDEMPOTENCY_NOTE}`,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders },
  responses: { 200: cartResponse, ...errors(401, 403, 422, 429) },
});

export const addItemRoute = createRoute({
  ...base,
  method: "post",
  path: "/cart/items",
  operationId: "addCartItem",
  summary: "Add a variant to the cart",
  description:
    "Adds `quantity` to the variant's line (a new line when there is none) and reserves the stock at once; a line holds " +
    `1..99. A cart has one currency. ${COOKIE_NOTE} ${IDEMPOTENCY_NOTE}`,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(addItemBody) },
  responses: { 200: cartResponse, ...errors(400, 401, 403, 413, 415, 422, 429), ...stockConflict },
});

export const setQuantityRoute = createRoute({
  ...base,
  method: "patch",
  path: "/cart/items/{id}",
  operationId: "setCartItemQuantity",
  summary: "Change a line's quantity",
  description: `Raising reserves more stock (409 when not enough is left; nothing changes), lowering releases it. ${IDEMPOTENCY_NOTE}`,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders, params: lineIdParams, body: jsonBody(setQuantityBody) },
  responses: { 200: cartResponse, ...errors(400, 401, 403, 404, 413, 415, 422, 429), ...stockConflict },
});

export const removeItemRoute = createRoute({
  ...base,
  method: "delete",
  path: "/cart/items/{id}",
  operationId: "removeCartItem",
  summary: "Remove a line",
  description: `Releases its stock. ${IDEMPOTENCY_NOTE}`,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders, params: lineIdParams },
  responses: { 200: cartResponse, ...errors(401, 403, 404, 422, 429) },
});

export const setCouponRoute = createRoute({
  ...base,
  method: "put",
  path: "/cart/coupon",
  operationId: "applyCoupon",
  summary: "Apply a coupon code",
  description:
    "The code must apply to the cart now (422 with `reason` otherwise: unknown, inactive, not_started, expired, currency, " +
    `min_subtotal, exhausted, customer_limit, not_eligible); checkout checks it again. ${IDEMPOTENCY_NOTE}`,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders, body: jsonBody(couponBody) },
  responses: { 200: cartResponse, ...errors(400, 401, 403, 413, 415, 422, 429) },
});

export const removeCouponRoute = createRoute({
  ...base,
  method: "delete",
  path: "/cart/coupon",
  operationId: "removeCoupon",
  summary: "Remove the coupon",
  description: IDEMPOTENCY_NOTE,
  middleware: [writeAuth, limitWrites, cartSession, idempotent] as const,
  request: { headers: idempotencyHeaders },
  responses: { 200: cartResponse, ...errors(401, 403, 422, 429) },
});

/** The request's cart session (set by the cartSession middleware of every cart route). */
function sessionOf(c: Context<CartEnv>) {
  const session = c.var.cart;
  if (!session) throw new ApiError("internal", "The cart session is missing");
  return session;
}

/** The cart as the API shows it: line totals, and the coupon's estimated discount when it applies now. */
async function present(c: Context<CartEnv>, view: CartView): Promise<CartResponse> {
  let coupon: CartResponse["coupon"] = null;
  if (view.couponCode !== null) {
    try {
      const { discount } = await evaluateCoupon(drizzle(c.env.DB), {
        code: view.couponCode,
        userId: sessionOf(c).userId,
        lines: view.lines,
        subtotal: view.subtotal,
        currency: view.currency ?? "",
        now: Date.now(),
      });
      coupon = { code: view.couponCode, applies: true, reason: null, discount };
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== "validation_failed") throw err;
      const reason = (err.extensions?.reason as CouponRefusal | undefined) ?? null;
      coupon = { code: view.couponCode, applies: false, reason, discount: 0 };
    }
  }
  const discount = coupon?.discount ?? 0;
  return {
    id: view.id,
    lines: view.lines.map((l) => ({ ...l, lineTotal: l.unitPrice * l.quantity })),
    currency: view.currency,
    subtotal: view.subtotal,
    coupon,
    discount,
    total: view.subtotal - discount,
    updatedAt: view.updatedAt,
  };
}

const cartStub = (c: Context<CartEnv>) => cartOf(c.env, sessionOf(c).key);

/** /cart: the caller's cart (a customer's, or the anonymous cookie's). */
export const cartRouter = createRouter<CartEnv>()
  .openapi(getCartRoute, async (c) => {
    const session = sessionOf(c);
    // a new anonymous cart is empty: answered without creating its object (a crawler creates none)
    const view: CartView = session.fresh
      ? {
          id: c.env.CART.idFromName(session.key).toString(),
          lines: [],
          couponCode: null,
          currency: null,
          subtotal: 0,
          updatedAt: new Date(0).toISOString(),
        }
      : unwrap(await cartStub(c).view());
    return c.json(await present(c, view), 200);
  })
  .openapi(clearCartRoute, async (c) => c.json(await present(c, unwrap(await cartStub(c).clear())), 200))
  .openapi(addItemRoute, async (c) => {
    const { variantId, quantity } = c.req.valid("json");
    return c.json(await present(c, unwrapCart(await cartStub(c).addItem(variantId, quantity))), 200);
  })
  .openapi(setQuantityRoute, async (c) => {
    const view = unwrapCart(await cartStub(c).setQuantity(c.req.valid("param").id, c.req.valid("json").quantity));
    return c.json(await present(c, view), 200);
  })
  .openapi(removeItemRoute, async (c) => c.json(await present(c, unwrap(await cartStub(c).removeItem(c.req.valid("param").id))), 200))
  .openapi(setCouponRoute, async (c) => {
    const { code } = c.req.valid("json");
    const cart = cartStub(c);
    const view = unwrap(await cart.view());
    // refused codes are 422 with the reason; the cart keeps its coupon then
    await evaluateCoupon(drizzle(c.env.DB), {
      code,
      userId: sessionOf(c).userId,
      lines: view.lines,
      subtotal: view.subtotal,
      currency: view.currency ?? "",
      now: Date.now(),
    });
    return c.json(await present(c, unwrap(await cart.setCoupon(code))), 200);
  })
  .openapi(removeCouponRoute, async (c) => c.json(await present(c, unwrap(await cartStub(c).setCoupon(null))), 200));
