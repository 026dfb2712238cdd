import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from "cloudflare:test";
import { type LogEntry, logEntry } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { storedFields } from "../src/logs/sink";
import { api, bearer, call, fakeService, fetchWith, newAdmin, newUser } from "./helpers";

let seq = 0;
const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  time: new Date().toISOString(),
  level: "info",
  service: "orders",
  msg: "order placed",
  requestId: "req-1",
  correlationId: "ord_x",
  fields: { amount: 3000 },
  ...over,
});

async function deliver(bodies: unknown[], targetEnv: Env = env) {
  const batch = createMessageBatch(
    "edgeworks-commerce-logs",
    bodies.map((body) => ({ id: `log-${Date.now()}-${++seq}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv, ctx);
  return { batch, result: await getQueueResult(batch, ctx) };
}

type Page = {
  items: { id: string; service: string; msg: string; correlationId: string | null; fields: unknown; time: string }[];
  nextCursor: string | null;
};

describe("the log sink", () => {
  it("stores valid entries (once per message, even redelivered) and parks invalid ones on the DLQ", async () => {
    const cid = `ord_sink_${crypto.randomUUID().slice(0, 8)}`;
    const dlq = { send: vi.fn(async (_parked: unknown) => {}) };
    const valid = [entry({ correlationId: cid, service: "catalog", msg: "reserved" }), entry({ correlationId: cid, service: "payments" })];
    const { batch, result } = await deliver([...valid, { msg: "not an entry" }, entry({ service: "nope" as never })], {
      ...env,
      LOGS_DLQ: dlq as unknown as Queue,
    });
    expect(result.explicitAcks).toHaveLength(4);
    expect(result.retryMessages).toEqual([]);
    expect(dlq.send).toHaveBeenCalledTimes(2);
    // the same messages again (a redelivery): stored once
    const again = createMessageBatch("edgeworks-commerce-logs", [...batch.messages].slice(0, 2));
    const ctx = createExecutionContext();
    await worker.queue(again, env, ctx);
    const rows = await env.DB.prepare("SELECT service, msg FROM logs WHERE correlation_id = ? ORDER BY service").bind(cid).all();
    expect(rows.results).toEqual([
      { service: "catalog", msg: "reserved" },
      { service: "payments", msg: "order placed" },
    ]);
  });

  it("cuts fields over 4 KB", () => {
    expect(storedFields({ a: 1 })).toBe('{"a":1}');
    expect(JSON.parse(storedFields({ big: "x".repeat(5000) }))).toEqual({ truncated: true, bytes: 5010 });
  });

  it("the sink → GET /admin/logs?correlationId= (oldest first, paged, filtered)", async () => {
    const cid = `ord_q_${crypto.randomUUID().slice(0, 8)}`;
    const t0 = Date.now() - 10_000;
    await deliver(
      ["users", "catalog", "orders", "payments", "notifications"].map((service, i) =>
        entry({
          service: service as LogEntry["service"],
          correlationId: cid,
          time: new Date(t0 + i * 1000).toISOString(),
          msg: `step ${i}`,
        }),
      ),
    );
    await deliver([entry({ correlationId: "ord_other", msg: "someone else" })]);
    const admin = await newAdmin();
    const first = await api.ok<Page>(call("GET", `/admin/logs?correlationId=${cid}&limit=3`, admin.token));
    expect(first.items.map((i) => i.service)).toEqual(["users", "catalog", "orders"]);
    expect(first.items[0]).toMatchObject({ msg: "step 0", correlationId: cid, fields: { amount: 3000 }, time: new Date(t0).toISOString() });
    const second = await api.ok<Page>(call("GET", `/admin/logs?correlationId=${cid}&limit=3&cursor=${first.nextCursor}`, admin.token));
    expect(second.items.map((i) => i.service)).toEqual(["payments", "notifications"]);
    expect(second.nextCursor).toBeNull();
    const onlyPayments = await api.ok<Page>(call("GET", `/admin/logs?correlationId=${cid}&service=payments`, admin.token));
    expect(onlyPayments.items.map((i) => i.msg)).toEqual(["step 3"]);
    await api.problem(call("GET", "/admin/logs?cursor=garbage", admin.token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/admin/logs?service=nope", admin.token), 422, "validation_failed", ["service"]);
    await api.problem(call("GET", "/admin/logs?limit=501", admin.token), 422, "validation_failed", ["limit"]);
  });

  it("the gateway logs each request to the sink (through LOGS), with the request id and the order path's correlation id", async () => {
    const sent: LogEntry[] = [];
    const logs = { sendBatch: async (msgs: { body: LogEntry }[]) => void sent.push(...msgs.map((m) => m.body)) } as unknown as Queue;
    const user = await newUser();
    const orders = fakeService(() => Response.json({ orderId: "ord_logged", status: "pending", steps: [] }));
    const res = await fetchWith({ LOGS: logs, ORDERS: orders.binding }, "/commerce/v1/orders/ord_logged/timeline", {
      headers: { ...bearer(user.token), "X-Request-Id": "req-logged" },
    });
    expect(res.status).toBe(200);
    expect(sent).toEqual([
      expect.objectContaining({
        service: "gateway",
        level: "info",
        msg: "request",
        requestId: "req-logged",
        correlationId: "ord_logged",
        fields: expect.objectContaining({ method: "GET", path: "/commerce/v1/orders/ord_logged/timeline", status: 200, user: user.id }),
      }),
    ]);
    expect(sent.map((e) => logEntry.safeParse(e).success)).toEqual([true]);
  });

  it("is for commerce:admin only: 401 without a token, 403 without the role", async () => {
    await api.problem(call("GET", "/admin/logs"), 401, "unauthorized");
    const user = await newUser();
    await api.problem(call("GET", "/admin/logs?correlationId=ord_x", user.token), 403, "forbidden");
  });

  it("the daily cron deletes entries older than 7 days and keeps the rest", async () => {
    const cid = `ord_old_${crypto.randomUUID().slice(0, 8)}`;
    const day = 86_400_000;
    await deliver([
      entry({ correlationId: cid, msg: "old", time: new Date(Date.now() - 8 * day).toISOString() }),
      entry({ correlationId: cid, msg: "recent", time: new Date(Date.now() - 6 * day).toISOString() }),
    ]);
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }), env);
    const rows = await env.DB.prepare("SELECT msg FROM logs WHERE correlation_id = ?").bind(cid).all();
    expect(rows.results).toEqual([{ msg: "recent" }]);
  });
});
