// POST /checkout's work: the customer's cart re-priced against D1, the coupon applied and claimed
// (exact cap), tax and shipping from the flat tables, the order written, the cart's stock holds moved to
// `order:<id>`, and a PaymentIntent created. Each failure after a step undoes the steps before it, so no
// dead order keeps stock or a coupon use (the cart gets its lines back).
import { ApiError, log } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { cartOf, userCartKey } from "../cart/cart-client";
import { claimCoupon, evaluateCoupon, releaseCoupon } from "../cart/coupons";
import { products, variants } from "../catalog/schema";
import type { Db } from "../deps";
import { stripeKeys, stripeOf } from "../stripe/client";
import { type ShippingMethod, type Totals, totalsOf } from "./pricing";
import { orderLines, orders } from "./schema";
import { eventInsert, findOrder, insertChunks, type OrderRow } from "./service";
import { releaseOrderStock } from "./stock";

/** How long an unpaid order keeps its stock: the cron cancels it after this. */
export const ORDER_PAY_WINDOW_MS = 30 * 60_000;
/** The hold itself lasts a little longer, so a payment at the window's edge still finds its units. */
const ORDER_HOLD_MS = ORDER_PAY_WINDOW_MS + 10 * 60_000;

/** The checkout request. */
export interface CheckoutRequest {
  country: string;
  shippingMethod: ShippingMethod;
  couponCode?: string;
  email?: string;
}

/** A priced line of the order to be. */
interface PricedLine {
  productId: string;
  variantId: string;
  sku: string;
  title: string;
  unitPrice: number;
  quantity: number;
}

/**
 * The cart's lines at today's prices (live variants of active products). A line whose variant is gone
 * is 409; prices that changed since the cart was filled update the cart's snapshots and answer 409
 * with the new totals, so the customer sees them before paying.
 */
async function priceCart(env: Env, db: Db, userId: string, req: CheckoutRequest, now: number) {
  const cart = cartOf(env, userCartKey(userId));
  const view = unwrap(await cart.view());
  if (view.lines.length === 0) throw new ApiError("conflict", "The cart is empty");
  const ids = [...new Set(view.lines.map((l) => l.variantId))];
  const live = await db
    .select({
      id: variants.id,
      productId: variants.productId,
      sku: variants.sku,
      title: variants.title,
      productTitle: products.title,
      price: variants.price,
      currency: variants.currency,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(and(inArray(variants.id, ids), isNull(variants.deletedAt), isNull(products.deletedAt), eq(products.status, "active")));
  const byId = new Map(live.map((v) => [v.id, v]));
  const gone = ids.filter((id) => !byId.has(id));
  if (gone.length > 0) {
    throw new ApiError("conflict", "Some items in the cart are no longer sold; remove them and try again", {
      extensions: { unavailable: gone },
    });
  }
  const currencies = new Set(live.map((v) => v.currency));
  const [currency] = [...currencies];
  if (currencies.size !== 1 || currency === undefined)
    throw new ApiError("conflict", "The cart mixes currencies; one order is paid in one currency");
  const lines: PricedLine[] = view.lines.map((l) => {
    const v = byId.get(l.variantId);
    if (!v) throw new ApiError("conflict", "The cart changed");
    return {
      productId: v.productId,
      variantId: v.id,
      sku: v.sku,
      title: `${v.productTitle} — ${v.title}`,
      unitPrice: v.price,
      quantity: l.quantity,
    };
  });
  const subtotal = lines.reduce((n, l) => n + l.unitPrice * l.quantity, 0);
  const couponCode = req.couponCode ?? view.couponCode ?? undefined;
  const coupon = couponCode ? await evaluateCoupon(db, { code: couponCode, userId, lines, subtotal, currency, now }) : null;
  const totals = totalsOf({
    currency,
    subtotal,
    discount: coupon?.discount ?? 0,
    country: req.country,
    shippingMethod: req.shippingMethod,
  });
  const changed = view.lines.filter((l) => {
    const v = byId.get(l.variantId);
    return v !== undefined && (v.price !== l.unitPrice || v.currency !== l.currency);
  });
  if (changed.length > 0) {
    unwrap(await cart.reprice(changed.map((l) => ({ variantId: l.variantId, unitPrice: byId.get(l.variantId)?.price ?? l.unitPrice }))));
    throw new ApiError("conflict", "Prices changed since the items were added; check the new totals and check out again", {
      extensions: {
        totals,
        changed: changed.map((l) => ({ variantId: l.variantId, was: l.unitPrice, now: byId.get(l.variantId)?.price ?? l.unitPrice })),
      },
    });
  }
  return { cart, lines, totals, coupon };
}

/** The order's insert: the next order number in the same statement (D1 runs statements one at a time). */
function insertOrder(db: Db, row: Omit<typeof orders.$inferInsert, "number">) {
  return db.insert(orders).values({ ...row, number: sql`(SELECT COALESCE(MAX(${orders.number}), 1000) + 1 FROM ${orders})` });
}

/** What checkout answers: the order and the PaymentIntent's client secret (for Stripe.js to confirm the payment). */
export interface CheckoutResult {
  order: OrderRow;
  clientSecret: string | null;
}

/**
 * Checks out the caller's cart (see the module comment). 409 prices changed (with `totals`), 409 stock
 * (`variantId`, `available`), 409 coupon used up, 422 for a country or currency not served or a coupon
 * that does not apply, 503 when Stripe cannot be reached (everything undone).
 */
export async function checkout(env: Env, db: Db, userId: string, req: CheckoutRequest, now: number): Promise<CheckoutResult> {
  const { cart, lines, totals, coupon } = await priceCart(env, db, userId, req, now);
  const orderId = nanoid();
  const undo: (() => Promise<unknown>)[] = [];
  const rollback = async (reason: string) => {
    for (const step of undo.reverse()) {
      await step().catch((err: unknown) =>
        log(env.LOG_LEVEL, "error", "checkout compensation failed", { orderId, reason, error: String(err) }),
      );
    }
  };
  try {
    if (coupon) {
      if (!(await claimCoupon(db, coupon.couponId, userId, orderId, now))) {
        throw new ApiError("conflict", "This coupon has just been used up", { extensions: { reason: "exhausted" } });
      }
      undo.push(() => releaseCoupon(db, orderId));
    }
    const moved = unwrap(await cart.beginCheckout(orderId, ORDER_HOLD_MS));
    if (moved.conflict) {
      const [first] = moved.shortages;
      throw new ApiError("conflict", "Not enough stock for some items", {
        extensions: { variantId: first?.variantId ?? null, available: first?.available ?? 0, shortages: moved.shortages },
      });
    }
    undo.push(async () => {
      // the lines, coupon and holds go back to the cart (so an outage does not empty it); else the holds are released
      const back = await cart.cancelCheckout(orderId);
      if (!back.ok || !back.value)
        await releaseOrderStock(
          env,
          orderId,
          [...lines, ...moved.lines].map((l) => l.productId),
        );
    });
    // the cart may have changed between the view that was priced and the move: the order must be what is held
    const key = (ls: readonly { variantId: string; quantity: number }[]) =>
      ls
        .map((l) => `${l.variantId}:${l.quantity}`)
        .sort()
        .join(",");
    if (key(moved.lines) !== key(lines))
      throw new ApiError("conflict", "The cart changed during checkout; check the cart and check out again");
    await writeOrder(db, orderId, userId, req, lines, totals, coupon, now);
    undo.push(() => cancelDeadOrder(db, orderId, now));
    const intent = await stripeOf(env)
      .paymentIntents.create(
        {
          amount: totals.total,
          currency: totals.currency.toLowerCase(),
          metadata: { order_id: orderId, user_id: userId },
          description: `Order ${orderId}`,
          ...(req.email ? { receipt_email: req.email } : {}),
        },
        { idempotencyKey: stripeKeys.paymentIntent(orderId) },
      )
      .catch((err: unknown) => {
        log(env.LOG_LEVEL, "error", "PaymentIntent create failed", { orderId, error: String(err) });
        throw new ApiError("service_unavailable", "Payments are unavailable right now; nothing was charged or kept, try again shortly", {
          headers: { "Retry-After": "5" },
        });
      });
    await db.update(orders).set({ paymentIntentId: intent.id, updatedAt: now }).where(eq(orders.id, orderId));
    return { order: await findOrder(db, orderId), clientSecret: intent.client_secret };
  } catch (err) {
    await rollback(err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** The order, its lines and its first timeline entry, in one batch. */
async function writeOrder(
  db: Db,
  orderId: string,
  userId: string,
  req: CheckoutRequest,
  lines: PricedLine[],
  totals: Totals,
  coupon: { couponId: string; code: string } | null,
  now: number,
): Promise<void> {
  await db.batch([
    insertOrder(db, {
      id: orderId,
      userId,
      email: req.email ?? null,
      state: "pending_payment",
      ...totals,
      amountPaid: 0,
      amountRefunded: 0,
      country: req.country,
      shippingMethod: req.shippingMethod,
      couponId: coupon?.couponId ?? null,
      couponCode: coupon?.code ?? null,
      holdExpiresAt: now + ORDER_PAY_WINDOW_MS,
      createdAt: now,
      updatedAt: now,
    }),
    ...insertChunks(
      orderLines,
      lines.map((l, i) => ({
        id: nanoid(),
        orderId,
        productId: l.productId,
        variantId: l.variantId,
        sku: l.sku,
        title: l.title,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        total: l.unitPrice * l.quantity,
        position: i,
      })),
    ).map((chunk) => db.insert(orderLines).values(chunk)),
    eventInsert(db, orderId, { type: "created", to: "pending_payment", actor: `user:${userId}`, reason: "Checked out", at: now }),
  ]);
}

/** An order whose payment could not be started: cancelled with the reason (its stock and coupon were released). */
async function cancelDeadOrder(db: Db, orderId: string, now: number): Promise<void> {
  await db.batch([
    db
      .update(orders)
      .set({ state: "cancelled", cancelledAt: now, updatedAt: now, holdExpiresAt: null })
      .where(and(eq(orders.id, orderId), eq(orders.state, "pending_payment"))),
    eventInsert(db, orderId, {
      type: "state_changed",
      from: "pending_payment",
      to: "cancelled",
      actor: "system",
      reason: "The payment could not be started",
      at: now,
    }),
  ]);
}
