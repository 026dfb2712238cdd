import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { type CommerceEvent, commerceEvent, newEvent, type OrderLine } from "@edgeworks/commerce-contracts";
import { createTestClient, newTestUser, type TestUser } from "@edgeworks/testing";
import { expect } from "vitest";
import worker from "../src/index";

export const BASE = "http://commerce-catalog.test/commerce/v1";
export const SCOPES = "commerce:read commerce:write";

export type Product = {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  categoryId: string | null;
  unitAmount: number;
  currency: string;
  active: boolean;
  available: number;
  createdAt: string;
  updatedAt: string;
};
export type Page<T> = { items: T[]; nextCursor: string | null };
export type Stock = { productId: string; onHand: number; reserved: number; available: number };

/** A customer: commerce:read and commerce:write, no role. */
export const newUser = (scope = SCOPES): Promise<TestUser> => newTestUser(scope, "user_");
/** An operator: the `commerce:admin` role. */
export const newAdmin = (scope = SCOPES): Promise<TestUser> => newTestUser(scope, "admin_", ["commerce:admin"]);

export const api = createTestClient(BASE);
export const call = api.call;

let skuSeq = 0;
export const uniqueSku = (prefix = "SKU") => `${prefix}-${Date.now().toString(36)}-${++skuSeq}-${Math.random().toString(36).slice(2, 6)}`;

let adminUser: TestUser | undefined;
export async function admin(): Promise<TestUser> {
  adminUser ??= await newAdmin();
  return adminUser;
}

/** Creates a product through the API (as an admin) with `stock` units on hand. */
export async function createProduct(body: Record<string, unknown> = {}): Promise<Product> {
  const { token } = await admin();
  const res = await call("POST", "/products", token, { sku: uniqueSku(), name: "A product", unitAmount: 1000, currency: "usd", ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Product;
}

export async function stockOf(productId: string): Promise<Stock> {
  const { token } = await admin();
  return api.ok<Stock>(call("GET", `/products/${productId}/inventory`, token));
}

/** An order line of a product as orders would price it. */
export const lineOf = (p: Pick<Product, "id" | "sku" | "name" | "unitAmount">, quantity: number): OrderLine => ({
  productId: p.id,
  sku: p.sku,
  name: p.name,
  quantity,
  unitAmount: p.unitAmount,
});

let orderSeq = 0;
export const newOrderId = () => `ord_${Date.now().toString(36)}${++orderSeq}${Math.random().toString(36).slice(2, 8)}`;

/** order.created as the orders service builds it (the contract's newEvent). */
export function orderCreated(orderId: string, lines: OrderLine[], userId = "user_buyer") {
  const amount = lines.reduce((s, l) => s + l.quantity * l.unitAmount, 0);
  return newEvent(
    "order.created",
    { orderId, userId, lines, amount, currency: "usd", paymentMethod: "pm_card_visa" },
    { requestId: `req_${orderId}` },
  );
}
export function orderConfirmed(created: CommerceEvent<"order.created">) {
  const { orderId, userId, lines, amount, currency } = created.payload;
  return newEvent("order.confirmed", { orderId, userId, lines, amount, currency }, { event: created });
}
export function orderCancelled(
  created: CommerceEvent<"order.created">,
  refund = false,
  reason: "customer_request" | "payment_failed" | "payment_timeout" = "customer_request",
) {
  const { orderId, userId, amount, currency } = created.payload;
  return newEvent("order.cancelled", { orderId, userId, reason, refund, amount, currency }, { event: created });
}

let messageSeq = 0;
/** Delivers bodies to the Worker's queue handler as one batch of `queue`, and reports acks and retries. */
export async function deliver(
  bodies: unknown[],
  queue = "edgeworks-commerce-catalog-events",
  targetEnv: Env = env,
): ReturnType<typeof getQueueResult> {
  const batch = createMessageBatch(
    queue,
    bodies.map((body) => ({
      id: `msg_${++messageSeq}_${Math.random().toString(36).slice(2, 8)}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv, ctx);
  return getQueueResult(batch, ctx);
}

/** Every event catalog has put in its outbox for an order, parsed with the contract (a drift fails here). */
export async function publishedFor(orderId: string): Promise<CommerceEvent[]> {
  const { results } = await env.DB.prepare("SELECT topic, body FROM queue_outbox ORDER BY created_at, id").all<{
    topic: string;
    body: string;
  }>();
  return results
    .map((r) => ({ topic: r.topic, event: commerceEvent.parse(JSON.parse(r.body)) as CommerceEvent }))
    .filter((r) => r.event.correlationId === orderId)
    .map((r) => {
      expect(r.topic).toBe("orders");
      return r.event;
    });
}

export async function orderRow(orderId: string) {
  return env.DB.prepare("SELECT status, reason FROM stock_orders WHERE order_id = ?")
    .bind(orderId)
    .first<{ status: string; reason: string | null }>();
}
