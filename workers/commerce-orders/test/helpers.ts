import { createExecutionContext, env } from "cloudflare:test";
import {
  type Address,
  type CommerceEvent,
  cartRpc,
  catalogRpc,
  newEvent,
  type ProductPrice,
  paymentsRpc,
  usersRpc,
} from "@edgeworks/commerce-contracts";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import worker from "../src/index";

export const BASE = "http://commerce-orders.test/commerce/v1";
export const RW = "commerce:read commerce:write";
export const ADMIN = "commerce:admin";

export type Order = {
  id: string;
  userId: string;
  status: string;
  cancelReason: string | null;
  lines: { productId: string; sku: string; name: string; quantity: number; unitAmount: number }[];
  amount: number;
  currency: string;
  paymentStatus: string;
  addressId: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A fresh commerce user (unique per call) and their token. */
export const newUser = (scope = RW, roles?: string[]) => newTestUser(scope, "user_", roles);

// ── fakes of the sibling services (each parses its input with the contract, as the real callee does) ──
export const products = new Map<string, ProductPrice>();
export const carts = new Map<string, { productId: string; quantity: number }[]>();
export const addresses = new Map<string, Address>();
export const cleared: { userId: string; orderId: string }[] = [];

export function addProduct(p: Partial<ProductPrice> & { productId: string }): ProductPrice {
  const product: ProductPrice = {
    sku: `SKU-${p.productId}`,
    name: `Product ${p.productId}`,
    unitAmount: 1000,
    currency: "usd",
    active: true,
    available: 10,
    ...p,
  };
  products.set(product.productId, product);
  return product;
}

export const fakeCatalog = {
  getProducts: async (_ctx: unknown, input: unknown) => {
    const { productIds } = catalogRpc.getProducts.input.parse(input);
    return catalogRpc.getProducts.output.parse({ products: productIds.flatMap((id) => products.get(id) ?? []) });
  },
};
export const fakeCart = {
  getCart: async (_ctx: unknown, input: unknown) => {
    const { userId } = cartRpc.getCart.input.parse(input);
    return { userId, lines: carts.get(userId) ?? [] };
  },
  clearCart: async (_ctx: unknown, input: unknown) => {
    const i = cartRpc.clearCart.input.parse(input);
    cleared.push(i);
    carts.delete(i.userId);
    return { cleared: true };
  },
};
export const fakeUsers = {
  getAddress: async (_ctx: unknown, input: unknown) => {
    const { userId, addressId } = usersRpc.getAddress.input.parse(input);
    const a = addresses.get(addressId);
    return a && a.userId === userId ? a : null;
  },
};
export const charges: { orderId: string; amount: number; paymentMethod: string }[] = [];
export const fakePayments = {
  charge: async (_ctx: unknown, input: unknown) => {
    const i = paymentsRpc.charge.input.parse(input);
    charges.push(i);
    return { paymentId: `pay_${i.orderId.slice(4)}`, status: "processing" as const };
  },
};

/** A queue producer that keeps what it is sent (the unit tests' events never reach the real siblings). */
export function fakeQueue() {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (body: unknown) => {
      sent.push(body);
    },
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      for (const m of messages) sent.push(m.body);
    },
  };
}
export const published = { catalog: fakeQueue(), payments: fakeQueue(), notifications: fakeQueue(), logs: fakeQueue() };

/** The Worker's env with the sibling services and the queues to them replaced by the fakes above. */
export const testEnv = {
  ...env,
  CATALOG: fakeCatalog,
  CART: fakeCart,
  USERS: fakeUsers,
  PAYMENTS: fakePayments,
  CATALOG_EVENTS: published.catalog,
  PAYMENTS_EVENTS: published.payments,
  NOTIFICATIONS_EVENTS: published.notifications,
  LOGS: published.logs,
} as unknown as Env;

/** The product's API over worker.fetch with {@link testEnv}. */
export const api = createTestClient(BASE, {
  fetch: (url, init) => Promise.resolve(worker.fetch(new Request(url, init), testEnv, createExecutionContext())),
});
export const call = api.call;

let keys = 0;
export const newKey = () => `key-${Date.now()}-${++keys}`;

/** Places an order through the API (202). */
export async function placeOrder(token: string, body: Record<string, unknown>, key = newKey()): Promise<Order> {
  return api.ok<Order>(call("POST", "/orders", token, body, { "Idempotency-Key": key }), 202);
}

/** A product priced 1000 usd (10 in stock), and an order of `quantity` of it. */
export async function orderOne(
  token: string,
  quantity = 1,
  extra: Record<string, unknown> = {},
): Promise<{ order: Order; productId: string }> {
  const productId = `prd_${crypto.randomUUID().slice(0, 12)}`;
  addProduct({ productId });
  return { order: await placeOrder(token, { items: [{ productId, quantity }], ...extra }), productId };
}

/** An event as the producer builds it (contracts newEvent), caused by `cause` when given. */
export function event<T extends CommerceEvent["type"]>(
  type: T,
  payload: Extract<CommerceEvent, { type: T }>["payload"],
  cause?: CommerceEvent,
): CommerceEvent<T> {
  return newEvent(type, payload as never, cause ? { event: cause } : {}) as CommerceEvent<T>;
}

/** The stored row of an order (status, payment status, version). */
export async function stored(orderId: string) {
  return env.DB.prepare("SELECT status, payment_status AS paymentStatus, cancel_reason AS cancelReason, version FROM orders WHERE id = ?")
    .bind(orderId)
    .first<{ status: string; paymentStatus: string; cancelReason: string | null; version: number }>();
}

/** The orders outbox rows of one event type for an order (one per subscriber). */
export async function outboxOf(orderId: string, type: string): Promise<{ topic: string; body: CommerceEvent }[]> {
  const { results } = await env.DB.prepare("SELECT topic, body FROM queue_outbox ORDER BY created_at").all<{
    topic: string;
    body: string;
  }>();
  return results
    .map((r) => ({ topic: r.topic, body: JSON.parse(r.body) as CommerceEvent }))
    .filter((r) => r.body.correlationId === orderId && r.body.type === type);
}
