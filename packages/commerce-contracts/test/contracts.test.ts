import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  claimEventStatement,
  commerceEvent,
  defineEventConsumer,
  EVENT_PRODUCERS,
  EVENT_SUBSCRIBERS,
  EVENT_TYPES,
  eventOutboxStatements,
  eventQueueHandler,
  isDuplicateClaim,
  newEvent,
  relayEvents,
  serve,
  serviceLogger,
  usersRpc,
} from "../src";

const created = () =>
  newEvent(
    "order.created",
    {
      orderId: "ord_1",
      userId: "u1",
      lines: [{ productId: "prd_1", sku: "SKU-1", name: "Mug", quantity: 2, unitAmount: 1200 }],
      amount: 2400,
      currency: "usd",
      paymentMethod: "pm_card_visa",
    },
    { requestId: "req-1" },
  );

describe("events", () => {
  it("builds an envelope the consumers' schema accepts", () => {
    const event = created();
    expect(event).toMatchObject({
      type: "order.created",
      version: 1,
      correlationId: "ord_1",
      causationId: "req:req-1",
      requestId: "req-1",
      producer: "orders",
    });
    expect(event.id).toMatch(/^evt_[A-Za-z0-9_-]{21}$/);
    expect(commerceEvent.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it("carries the cause's id and request id", () => {
    const first = created();
    const next = newEvent("inventory.reserved", { orderId: "ord_1", lines: [{ productId: "prd_1", quantity: 2 }] }, { event: first });
    expect(next).toMatchObject({ causationId: first.id, requestId: "req-1", producer: "catalog", correlationId: "ord_1" });
  });

  it("refuses a payload that breaks the contract (a producer cannot emit it)", () => {
    expect(() =>
      newEvent("payment.succeeded", { orderId: "ord_1", paymentId: "pay_1", paymentIntentId: "pi_1", amount: -1, currency: "usd" }),
    ).toThrow();
    expect(commerceEvent.safeParse({ ...created(), type: "order.shipped" }).success).toBe(false);
    expect(commerceEvent.safeParse({ ...created(), payload: { orderId: "ord_1" } }).success).toBe(false);
  });

  it("gives every event type a producer and at least one subscriber", () => {
    for (const type of EVENT_TYPES) {
      expect(EVENT_PRODUCERS[type]).toBeTruthy();
      expect(EVENT_SUBSCRIBERS[type].length).toBeGreaterThan(0);
      expect(EVENT_SUBSCRIBERS[type]).not.toContain(EVENT_PRODUCERS[type]);
    }
  });
});

describe("outbox and relay", () => {
  it("writes one row per subscriber and relays each to its queue once", async () => {
    const event = newEvent("order.confirmed", {
      orderId: "ord_relay",
      userId: "u1",
      lines: [{ productId: "prd_1", sku: "SKU-1", name: "Mug", quantity: 1, unitAmount: 500 }],
      amount: 500,
      currency: "usd",
    });
    await env.DB.batch(eventOutboxStatements(env.DB, event));
    const rows = await env.DB.prepare("SELECT topic FROM queue_outbox WHERE id LIKE ? ORDER BY topic")
      .bind(`${event.id}:%`)
      .all<{ topic: string }>();
    expect(rows.results.map((r) => r.topic)).toEqual(["catalog", "notifications"]);
    // CATALOG_EVENTS is bound, NOTIFICATIONS_EVENTS is not: its row waits for a Worker that has it
    expect(await relayEvents(env, env.DB)).toBe(1);
    expect(await relayEvents(env, env.DB)).toBe(0);
    const pending = await env.DB.prepare("SELECT topic FROM queue_outbox WHERE id LIKE ? AND sent_at IS NULL")
      .bind(`${event.id}:%`)
      .all<{ topic: string }>();
    expect(pending.results.map((r) => r.topic)).toEqual(["notifications"]);
  });

  it("a claimed event makes the whole batch fail as a duplicate, changing nothing", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY)");
    const effect = (id: string) => env.DB.prepare("INSERT INTO effects (id) VALUES (?)").bind(id);
    await env.DB.batch([claimEventStatement(env.DB, "test", "evt_a"), effect("e1")]);
    const again = await env.DB.batch([claimEventStatement(env.DB, "test", "evt_a"), effect("e2")]).catch((e) => e);
    expect(isDuplicateClaim(again)).toBe(true);
    const rows = await env.DB.prepare("SELECT id FROM effects").all();
    expect(rows.results).toEqual([{ id: "e1" }]);
    expect(isDuplicateClaim(new Error("UNIQUE constraint failed: effects.id"))).toBe(false);
  });
});

describe("rpc", () => {
  it("serve parses context, input and its own output", async () => {
    const ctx = { requestId: "r1", correlationId: null };
    const contact = { userId: "u1", email: "a@example.com", displayName: null, phone: null, notifyByEmail: true, notifyBySms: false };
    await expect(serve(usersRpc.getContact, ctx, { userId: "u1" }, async () => contact)).resolves.toEqual(contact);
    await expect(serve(usersRpc.getContact, {}, { userId: "u1" }, async () => contact)).rejects.toThrow("invalid RPC context");
    await expect(serve(usersRpc.getContact, ctx, { userId: "../x" }, async () => contact)).rejects.toThrow("invalid RPC input");
    await expect(
      serve(usersRpc.getContact, ctx, { userId: "u1" }, async () => ({ ...contact, notifyBySms: "yes" }) as never),
    ).rejects.toThrow();
  });
});

describe("telemetry", () => {
  it("buffers entries with the ids and ships them on flush", async () => {
    const sent: unknown[] = [];
    const logs = { sendBatch: async (batch: { body: unknown }[]) => void sent.push(...batch.map((b) => b.body)) } as unknown as Queue;
    const logger = serviceLogger({ LOG_LEVEL: "silent", LOGS: logs }, "orders", { requestId: "r1" });
    logger.info("placed", { amount: 5 });
    logger.with({ correlationId: "ord_1" }).warn("slow");
    expect(sent).toHaveLength(0);
    await logger.flush();
    expect(sent).toMatchObject([
      { service: "orders", msg: "placed", requestId: "r1", correlationId: null, fields: { amount: 5 } },
      { service: "orders", msg: "slow", requestId: "r1", correlationId: "ord_1", level: "warn" },
    ]);
    await logger.flush();
    expect(sent).toHaveLength(2);
  });
});

describe("consumers", () => {
  const batchOf = (queue: string, bodies: unknown[]) => {
    const acked: string[] = [];
    const retried: string[] = [];
    const messages = bodies.map((body, i) => ({
      id: `m${i}`,
      timestamp: new Date(),
      attempts: 1,
      body,
      ack: () => acked.push(`m${i}`),
      retry: () => retried.push(`m${i}`),
    }));
    return { batch: { queue, messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>, acked, retried };
  };

  it("gives each handler a logger bound to the event's request and order, shipped when it ends", async () => {
    const sent: { msg: string; correlationId: string | null; requestId: string | null; service: string }[] = [];
    const logs = { sendBatch: async (b: { body: never }[]) => void sent.push(...b.map((x) => x.body)) } as unknown as Queue;
    const seen: string[] = [];
    const consume = defineEventConsumer<typeof env & { LOGS: Queue }>({
      name: "test-log",
      service: "catalog",
      db: (e) => e.DB,
      handlers: {
        "order.created": async (event, { log }) => {
          seen.push(`${log.correlationId}:${log.requestId}`);
          log.info("reserved");
          if (event.payload.amount === 2400) throw new Error("boom");
        },
      },
    });
    const event = created();
    const { batch, retried } = batchOf("q", [event]);
    await consume(batch, { ...env, LOG_LEVEL: "silent", LOGS: logs });
    expect(seen).toEqual(["ord_1:req-1"]);
    expect(retried).toEqual(["m0"]);
    expect(sent.map((e) => e.msg)).toEqual(["event consumed", "reserved", "event handler failed; retried with backoff"]);
    expect(sent.every((e) => e.correlationId === "ord_1" && e.requestId === "req-1" && e.service === "catalog")).toBe(true);
  });

  it("eventQueueHandler sends a DLQ batch to the dead letters and an events batch to the consumer, then relays", async () => {
    const calls: string[] = [];
    const handler = eventQueueHandler<typeof env>({
      events: async (b) => void calls.push(`events:${b.queue}`),
      deadLetters: async (b) => void calls.push(`dlq:${b.queue}`),
    });
    const event = newEvent("inventory.reserved", { orderId: "ord_qh", lines: [{ productId: "prd_1", quantity: 1 }] });
    await env.DB.batch(eventOutboxStatements(env.DB, event));
    await handler(batchOf("edgeworks-commerce-catalog-events-dlq", []).batch, env);
    expect(await env.DB.prepare("SELECT sent_at FROM queue_outbox WHERE id = ?").bind(`${event.id}:orders`).first("sent_at")).toBeNull();
    await handler(batchOf("edgeworks-commerce-catalog-events", []).batch, env);
    expect(calls).toEqual(["dlq:edgeworks-commerce-catalog-events-dlq", "events:edgeworks-commerce-catalog-events"]);
    expect(
      await env.DB.prepare("SELECT sent_at FROM queue_outbox WHERE id = ?").bind(`${event.id}:orders`).first("sent_at"),
    ).not.toBeNull();
  });
});
