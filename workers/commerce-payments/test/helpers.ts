import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF, waitOnExecutionContext } from "cloudflare:test";
import {
  type CommerceEvent,
  commerceEvent,
  type EventPayload,
  type EventType,
  newEvent,
  type RpcContext,
} from "@edgeworks/commerce-contracts";
import { fakeStripe } from "@edgeworks/stripe-fake/control";
import { createTestClient, mintToken } from "@edgeworks/testing";
import { nanoid } from "nanoid";
import Stripe from "stripe";
import { expect } from "vitest";
import worker, { PaymentsRpc } from "../src/index";

export const ORIGIN = "http://commerce-payments.test";
export const BASE = `${ORIGIN}/commerce/v1`;
export const WEBHOOK = `${BASE}/payments/webhooks/stripe`;

export type Payment = {
  id: string;
  orderId: string;
  userId: string;
  status: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  paymentIntentId: string | null;
  failureCode: string | null;
  createdAt: string;
  updatedAt: string;
};

let seq = 0;
/** A fresh user (unique per call) and their token with the commerce scopes. */
export async function newUser(scope = "commerce:read commerce:write"): Promise<{ id: string; token: string }> {
  const id = `user_${Date.now().toString(36)}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, token: await mintToken({ sub: id, scope }) };
}

export const api = createTestClient(BASE);
export const call = api.call;
export const newOrderId = () => `ord_${nanoid(21)}`;
export const stripeFake = fakeStripe(env.STRIPE_API_BASE);
const base = new URL(env.STRIPE_API_BASE);
export const stripe = new Stripe(env.STRIPE_SECRET_KEY, {
  httpClient: Stripe.createFetchHttpClient(),
  host: base.hostname,
  port: Number(base.port),
  protocol: "http",
});

export const rpcCtx = (orderId?: string): RpcContext => ({ requestId: `req_${nanoid(8)}`, correlationId: orderId ?? null });

/** Calls one PaymentsRpc method as a service binding would (a fresh entrypoint), waiting for its waitUntil work. */
export async function rpc<K extends "charge" | "getPayment" | "ledger" | "deadLetters" | "redrive">(
  method: K,
  input: unknown,
  ctx: unknown = rpcCtx(),
  targetEnv: Env = env,
): Promise<Awaited<ReturnType<PaymentsRpc[K]>>> {
  const ec = createExecutionContext();
  const entry = new PaymentsRpc(ec, targetEnv);
  const answer = await (entry[method] as (c: unknown, i: unknown) => Promise<unknown>).call(entry, ctx, input);
  await waitOnExecutionContext(ec);
  return answer as Awaited<ReturnType<PaymentsRpc[K]>>;
}

export const chargeInput = (orderId: string, userId: string, paymentMethod = "pm_card_visa", amount = 2500) => ({
  orderId,
  userId,
  amount,
  currency: "usd",
  paymentMethod,
});

/** Delivers message bodies to the Worker's queue handler as the Queue would. */
export async function deliver(bodies: unknown[], queue = "edgeworks-commerce-payments-events", targetEnv: Env = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}_${nanoid(6)}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ec = createExecutionContext();
  await worker.queue(batch, targetEnv);
  return getQueueResult(batch, ec);
}

/** An order.cancelled event as orders builds it. */
export function cancelled(orderId: string, userId: string, refund: boolean, amount = 2500): CommerceEvent<"order.cancelled"> {
  const payload: EventPayload<"order.cancelled"> = {
    orderId,
    userId,
    reason: refund ? "customer_request" : "payment_timeout",
    refund,
    amount,
    currency: "usd",
  };
  return newEvent("order.cancelled", payload, { requestId: `req_${nanoid(8)}` });
}

/** The events payments wrote to its outbox for an order (one per event id; every body parsed with the contract). */
export async function eventsOf(orderId: string): Promise<{ event: CommerceEvent; topics: string[] }[]> {
  const rows = await env.DB.prepare("SELECT id, topic, body FROM queue_outbox WHERE body LIKE ? ORDER BY created_at, id")
    .bind(`%"correlationId":"${orderId}"%`)
    .all<{ id: string; topic: string; body: string }>();
  const byId = new Map<string, { event: CommerceEvent; topics: string[] }>();
  for (const r of rows.results) {
    const event = commerceEvent.parse(JSON.parse(r.body)) as CommerceEvent;
    expect(r.id).toBe(`${event.id}:${r.topic}`);
    const seen = byId.get(event.id) ?? { event, topics: [] };
    seen.topics.push(r.topic);
    byId.set(event.id, seen);
  }
  return [...byId.values()];
}

export const typesOf = async (orderId: string): Promise<EventType[]> => (await eventsOf(orderId)).map((e) => e.event.type);

/** The PaymentIntents the stand-in made for an order (by the `payment_intent.created` events about it). */
export async function intentsCreated(orderId: string): Promise<number> {
  const log = await stripeFake.log({ related: orderId });
  return new Set(log.filter((d) => d.type === "payment_intent.created").map((d) => d.event)).size;
}

/** Pulls the stand-in's deliveries about a PaymentIntent and posts them to the webhook. */
export async function webhooks(paymentIntentId: string, options: { duplicate?: boolean; order?: "normal" | "reverse" } = {}) {
  const deliveries = await stripeFake.deliveries({ related: paymentIntentId, ...options });
  const responses = await stripeFake.deliverTo((r) => SELF.fetch(r), WEBHOOK, deliveries);
  return { deliveries, responses };
}

export async function paymentRow(orderId: string) {
  return env.DB.prepare("SELECT * FROM payments WHERE order_id = ?").bind(orderId).first<Record<string, unknown>>();
}
