// The synchronous interfaces between the commerce services: Workers RPC over service bindings, each
// service exporting a `WorkerEntrypoint` class (`UsersRpc`, `CatalogRpc`, …) that implements its interface
// here. The callee parses every input with the schema below; the caller parses every output with it (both
// sides are tested). Expected failures travel as data (`null`, a `status`), never as thrown errors.
import { z } from "zod";
import { amount, currency, entityId, orderLine, quantity } from "./events";

/** Travels with every RPC call: the ids that tie logs across services together. */
export const rpcContext = z.object({
  requestId: z.string().min(1).max(200),
  /** The order the call is about, when there is one. */
  correlationId: z.string().max(200).nullable().optional(),
});
export type RpcContext = z.infer<typeof rpcContext>;

const userId = entityId;
const cursor = z.string().max(200).nullable().optional();

// ── users ────────────────────────────────────────────────────────────────────────────────────────
export const contact = z.object({
  userId,
  /** From the platform identity (accounts directory); null when the account is gone. */
  email: z.string().max(320).nullable(),
  displayName: z.string().max(100).nullable(),
  /** E.164, e.g. +14155550100. */
  phone: z.string().max(16).nullable(),
  notifyByEmail: z.boolean(),
  notifyBySms: z.boolean(),
});
export type Contact = z.infer<typeof contact>;

export const address = z.object({
  id: entityId,
  userId,
  name: z.string().max(100),
  line1: z.string().max(200),
  line2: z.string().max(200).nullable(),
  city: z.string().max(100),
  region: z.string().max(100).nullable(),
  postalCode: z.string().max(20),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().length(2),
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof address>;

export const usersRpc = {
  getContact: { input: z.object({ userId }), output: contact.nullable() },
  getAddress: { input: z.object({ userId, addressId: entityId }), output: address.nullable() },
} as const;

// ── catalog ──────────────────────────────────────────────────────────────────────────────────────
export const productPrice = z.object({
  productId: entityId,
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  unitAmount: amount,
  currency,
  active: z.boolean(),
  /** On hand minus reserved, now (a hint: the reservation decides). */
  available: z.number().int().min(0),
});
export type ProductPrice = z.infer<typeof productPrice>;

export const reservationStatus = z.enum(["none", "reserved", "committed", "released", "rejected"]);
export const orderItems = z.object({ orderId: entityId, status: reservationStatus, lines: z.array(orderLine) });
export type OrderItems = z.infer<typeof orderItems>;

export const catalogRpc = {
  /** Current prices of up to 100 products; unknown ids are left out. */
  getProducts: {
    input: z.object({ productIds: z.array(entityId).min(1).max(100) }),
    output: z.object({ products: z.array(productPrice) }),
  },
  /** The lines catalog reserved for an order and where the reservation stands. */
  getOrderItems: { input: z.object({ orderId: entityId }), output: orderItems },
} as const;

// ── cart ─────────────────────────────────────────────────────────────────────────────────────────
export const cartLine = z.object({ productId: entityId, quantity });
export const cartSnapshot = z.object({ userId, lines: z.array(cartLine).max(50) });
export type CartSnapshot = z.infer<typeof cartSnapshot>;

export const cartRpc = {
  getCart: { input: z.object({ userId }), output: cartSnapshot },
  /** Empties the cart once for this order (a second call with the same order id is a no-op). */
  clearCart: { input: z.object({ userId, orderId: entityId }), output: z.object({ cleared: z.boolean() }) },
} as const;

// ── orders ───────────────────────────────────────────────────────────────────────────────────────
export const orderStatus = z.enum(["pending", "awaiting_payment", "confirmed", "cancelled"]);
export type OrderStatus = z.infer<typeof orderStatus>;

export const orderView = z.object({
  id: entityId,
  userId,
  status: orderStatus,
  cancelReason: z.string().max(50).nullable(),
  lines: z.array(orderLine),
  amount,
  currency,
  paymentStatus: z.enum(["none", "processing", "succeeded", "failed", "refunded"]),
  addressId: entityId.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OrderView = z.infer<typeof orderView>;

export const orderLedgerEntry = z.object({ orderId: entityId, status: orderStatus, amount, currency });

export const ordersRpc = {
  /** One order; `userId` null = any owner (operators); another user's order is null. */
  getOrder: { input: z.object({ orderId: entityId, userId: userId.nullable() }), output: orderView.nullable() },
  /** Every order, oldest first, for reconciliation with payments. */
  ledger: {
    input: z.object({ cursor, limit: z.number().int().min(1).max(1000).optional() }),
    output: z.object({ entries: z.array(orderLedgerEntry), nextCursor: z.string().nullable() }),
  },
} as const;

// ── payments ─────────────────────────────────────────────────────────────────────────────────────
export const paymentStatus = z.enum(["processing", "succeeded", "failed", "canceled", "refunded"]);
export const paymentView = z.object({
  id: entityId,
  orderId: entityId,
  userId,
  status: paymentStatus,
  amount,
  amountRefunded: amount,
  currency,
  paymentIntentId: z.string().max(255).nullable(),
  failureCode: z.string().max(100).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PaymentView = z.infer<typeof paymentView>;

export const paymentLedgerEntry = z.object({
  orderId: entityId,
  paymentId: entityId,
  status: paymentStatus,
  /** Captured minus refunded: what the shop keeps for this order. */
  net: amount,
  currency,
});

export const paymentsRpc = {
  /**
   * Charges an order once (idempotent by order id): creates and confirms a PaymentIntent. The answer is
   * where it stands now; the outcome also arrives as `payment.succeeded` / `payment.failed`.
   */
  charge: {
    input: z.object({ orderId: entityId, userId, amount: amount.min(50), currency, paymentMethod: z.string().min(1).max(255) }),
    output: z.object({ paymentId: entityId, status: paymentStatus }),
  },
  getPayment: { input: z.object({ orderId: entityId, userId: userId.nullable() }), output: paymentView.nullable() },
  ledger: {
    input: z.object({ cursor, limit: z.number().int().min(1).max(1000).optional() }),
    output: z.object({ entries: z.array(paymentLedgerEntry), nextCursor: z.string().nullable() }),
  },
} as const;

// ── operations (every service with a consumer queue) ─────────────────────────────────────────────
export const deadLetterView = z.object({
  id: z.string().max(200),
  queue: z.string().max(200),
  body: z.unknown(),
  reason: z.string().max(2000).nullable(),
  attempts: z.number().int().min(0),
  receivedAt: z.iso.datetime(),
  redrivenAt: z.iso.datetime().nullable(),
});
export type DeadLetterView = z.infer<typeof deadLetterView>;

export const opsRpc = {
  deadLetters: {
    input: z.object({ cursor, limit: z.number().int().min(1).max(100).optional() }),
    output: z.object({ queue: z.string(), items: z.array(deadLetterView), nextCursor: z.string().nullable() }),
  },
  redrive: {
    input: z.object({ ids: z.array(z.string().max(200)).max(100).optional() }),
    output: z.object({ queue: z.string(), redriven: z.number().int().min(0), ids: z.array(z.string()) }),
  },
} as const;

/** The DLQs the admin API knows: `{queue}` in `/commerce/v1/admin/dlq/{queue}` → the service that owns it. */
export const DLQ_OWNERS = {
  "catalog-events": "catalog",
  "orders-events": "orders",
  "payments-events": "payments",
  "notifications-events": "notifications",
} as const;

type Io<S> = {
  [K in keyof S]: S[K] extends { input: infer I; output: infer O }
    ? (ctx: RpcContext, input: z.input<I & z.ZodType>) => Promise<z.output<O & z.ZodType>>
    : never;
};

/** What each service's RPC entrypoint implements (the caller sees the same through its binding). */
export type UsersApi = Io<typeof usersRpc>;
export type CatalogApi = Io<typeof catalogRpc> & OpsApi;
export type CartApi = Io<typeof cartRpc>;
export type OrdersApi = Io<typeof ordersRpc> & OpsApi;
export type PaymentsApi = Io<typeof paymentsRpc> & OpsApi;
export type NotificationsApi = OpsApi;
export type OpsApi = Io<typeof opsRpc>;

/**
 * A service binding seen as the interface it implements (wrangler types a cross-Worker binding as a
 * plain Fetcher). The binding's `fetch` stays: it reaches the service's HTTP app.
 *
 * @example const catalog = rpc<CatalogApi>(env.CATALOG); const { products } = await catalog.getProducts(ctx, { productIds });
 */
export function rpc<T>(binding: Fetcher): T & Fetcher {
  return binding as unknown as T & Fetcher;
}

/**
 * Calls `method` on a binding and parses the answer with the contract's output schema, so a callee that
 * drifted from the contract is a clear error here, not bad data later.
 *
 * @example const contact = await call(env.USERS, usersRpc, "getContact", ctx, { userId });
 */
export async function call<S extends Record<string, { input: z.ZodType; output: z.ZodType }>, K extends keyof S & string>(
  binding: Fetcher,
  schemas: S,
  method: K,
  ctx: RpcContext,
  input: z.input<S[K]["input"]>,
): Promise<z.output<S[K]["output"]>> {
  const stub = binding as unknown as Record<string, (c: RpcContext, i: unknown) => Promise<unknown>>;
  if (typeof stub[method] !== "function") throw new Error(`RPC ${method} is not on this binding`);
  // called as a method of the stub: `target.call(binding, …)` would be an RPC call to a remote method named "call"
  const answer = await stub[method](ctx, input);
  return (schemas[method] as S[K]).output.parse(answer) as z.output<S[K]["output"]>;
}

/**
 * The callee's side: parses the context and the input (a bad call is a TypeError the caller sees), runs
 * the method, and parses its own answer before it leaves (so a contract drift fails here, in the
 * callee's tests).
 *
 * @example getContact(ctx: RpcContext, input: unknown) { return serve(usersRpc.getContact, ctx, input, (i) => contactOf(this.env, i.userId)); }
 */
export async function serve<I extends z.ZodType, O extends z.ZodType>(
  schema: { input: I; output: O },
  ctx: unknown,
  input: unknown,
  run: (input: z.output<I>, ctx: RpcContext) => Promise<z.input<O>>,
): Promise<z.output<O>> {
  const context = rpcContext.safeParse(ctx);
  if (!context.success) throw new TypeError("invalid RPC context");
  const parsed = schema.input.safeParse(input);
  if (!parsed.success)
    throw new TypeError(`invalid RPC input: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return schema.output.parse(await run(parsed.data, context.data));
}
