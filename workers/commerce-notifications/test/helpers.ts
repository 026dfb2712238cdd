import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { type CommerceEvent, type Contact, type EventPayload, newEvent } from "@edgeworks/commerce-contracts";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import worker from "../src/index";

export const ORIGIN = "http://commerce-notifications.test";
export const BASE = `${ORIGIN}/commerce/v1`;
export const EVENTS = "edgeworks-commerce-notifications-events";
export const DLQ = "edgeworks-commerce-notifications-events-dlq";

/** A fresh customer with commerce scopes (unique per call, so tests never see each other's data). */
export const newUser = (scope = "commerce:read commerce:write") => newTestUser(scope, "usr_");

export const api = createTestClient(BASE);
export const call = api.call;

let orderSeq = 0;
export const newOrderId = () => `ord_${Date.now().toString(36)}${++orderSeq}${Math.random().toString(36).slice(2, 8)}`;

/** A users service stand-in (the RPC method the consumer calls), or one that is down. */
export function usersWith(contacts: Record<string, Contact | null>): {
  getContact: (ctx: unknown, input: { userId: string }) => Promise<unknown>;
  calls: unknown[];
} {
  const calls: unknown[] = [];
  return {
    calls,
    async getContact(ctx, input) {
      calls.push({ ctx, input });
      return contacts[input.userId] ?? null;
    },
  };
}
export const usersDown = { getContact: async () => Promise.reject(new Error("service unavailable (503)")) };

export function contactOf(userId: string, over: Partial<Contact> = {}): Contact {
  return {
    userId,
    email: `${userId}@example.com`,
    displayName: "Ada",
    phone: "+14155550100",
    notifyByEmail: true,
    notifyBySms: true,
    ...over,
  };
}

/** An env where USERS is the given stand-in (a Worker binding is replaced for one delivery). */
export const envWith = (over: Record<string, unknown>): Env => ({ ...env, ...over }) as Env;

/** Runs the Worker's queue handler on one batch and reports acks and retries. */
export async function deliver(bodies: unknown[], targetEnv: Env = env, queue = EVENTS, attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}_${Math.random().toString(36).slice(2, 10)}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv);
  const result = await getQueueResult(batch, ctx);
  return { ...result, ids: batch.messages.map((m) => m.id) };
}

export const confirmed = (orderId: string, userId: string, over: Partial<EventPayload<"order.confirmed">> = {}) =>
  newEvent(
    "order.confirmed",
    {
      orderId,
      userId,
      lines: [{ productId: "prd_1", sku: "SKU-1", name: "Teapot", quantity: 2, unitAmount: 1250 }],
      amount: 2500,
      currency: "usd",
      ...over,
    },
    { requestId: "req_test" },
  );

export const cancelled = (orderId: string, userId: string, over: Partial<EventPayload<"order.cancelled">> = {}) =>
  newEvent(
    "order.cancelled",
    { orderId, userId, reason: "out_of_stock", refund: false, amount: 2500, currency: "usd", ...over },
    { requestId: "req_test" },
  );

export const refunded = (orderId: string, cause?: CommerceEvent) =>
  newEvent(
    "payment.refunded",
    { orderId, paymentId: "pay_1", refundId: "re_1", amount: 2500, currency: "usd" },
    cause ? { event: cause } : {},
  );

type Row = Record<string, unknown>;
export async function rows(sql: string, ...params: unknown[]): Promise<Row[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<Row>()
  ).results;
}
export const noticesOf = (orderId: string) => rows("SELECT * FROM notifications WHERE order_id = ? ORDER BY channel", orderId);
export const outboxOf = (topic: string, like: string) =>
  rows("SELECT * FROM queue_outbox WHERE topic = ? AND body LIKE ?", topic, `%${like}%`);
