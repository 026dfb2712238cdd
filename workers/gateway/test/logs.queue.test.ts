import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import { gatewayLogs } from "../src/analytics/schema";
import { readTotals } from "../src/analytics/totals";
import worker from "../src/index";
import { createLogsConsumer } from "../src/logs.queue";
import { NOW, wsId as newWsId, record } from "./analytics/records";

// The log consumer against the real local D1: one D1 batch per queue batch, bad bodies dead-lettered,
// redelivery counted once, retention pruned in the same batch.
const wsId = () => newWsId("ws_queue");

/** `env` whose DB counts batch() calls, and a DLQ that records what it is sent. */
function spiedEnv() {
  const batches: number[] = [];
  const db = new Proxy(env.DB, {
    get(target, key) {
      if (key === "batch")
        return (statements: D1PreparedStatement[]) => {
          batches.push(statements.length);
          return target.batch(statements);
        };
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const dlq = { send: vi.fn(async (_parked: { messageId: string; issues: string[] }) => {}) };
  return { env: { ...env, DB: db, LOGS_QUEUE_DLQ: dlq as unknown as Queue }, batches, dlq };
}

async function deliver(bodies: unknown[], targetEnv: Env, ids = bodies.map((_, i) => `m${i}`), consume = worker.queue!) {
  const batch = createMessageBatch(
    "edgeworks-gateway-logs",
    bodies.map((body, i) => ({ id: ids[i]!, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consume(batch, targetEnv, ctx);
  return getQueueResult(batch, ctx);
}

const rowsOf = async (workspaceId: string) =>
  (await drizzle(env.DB).select().from(gatewayLogs)).filter((r) => r.workspaceId === workspaceId).sort((a, b) => a.at - b.at);

describe("the logs consumer", () => {
  it("stores a whole batch with one D1 batch, and dead-letters invalid bodies without retrying anything", async () => {
    const ws = wsId();
    const { env: spied, batches, dlq } = spiedEnv();
    const bodies = [
      record({ workspaceId: ws, at: NOW - 3000, latencyMs: 4.4 }),
      record({ workspaceId: ws, at: NOW - 2000, status: 502, latencyMs: 700, error: "bad_gateway", targetId: null }),
      { ...record({ workspaceId: ws }), status: "200" },
      record({ workspaceId: ws, at: NOW - 1000, routeId: null, serviceId: null, status: 404, latencyMs: 1 }),
      null,
    ];
    const ids = bodies.map(() => `msg_${crypto.randomUUID()}`);
    const result = await deliver(bodies, spied as Env, ids);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(dlq.send.mock.calls.map(([parked]) => parked.messageId)).toEqual([ids[2], ids[4]]);
    expect(dlq.send.mock.calls[0]![0].issues).toEqual([expect.stringContaining("status")]);
    // three statements (totals, rows, retention) in exactly one batch
    expect(batches).toEqual([3]);
    const rows = await rowsOf(ws);
    expect(rows.map((r) => [r.id, r.status, r.latencyMs, r.routeId, r.error])).toEqual([
      [ids[0], 200, 4, "rte_a", null],
      [ids[1], 502, 700, "rte_a", "bad_gateway"],
      [ids[3], 404, 1, null, null],
    ]);
    const totals = await readTotals(drizzle(env.DB), ws);
    expect(totals).toEqual([
      { routeId: null, status: 404, requests: 1, errors: 0, latencyMsSum: 1, buckets: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
      { routeId: "rte_a", status: 200, requests: 1, errors: 0, latencyMsSum: 4, buckets: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
      { routeId: "rte_a", status: 502, requests: 1, errors: 1, latencyMsSum: 700, buckets: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1] },
    ]);
  });

  it("a redelivered batch (same message ids) adds no rows and no counts; new messages still add up", async () => {
    const ws = wsId();
    const bodies = [record({ workspaceId: ws }), record({ workspaceId: ws, latencyMs: 30 })];
    const ids = [`msg_${crypto.randomUUID()}`, `msg_${crypto.randomUUID()}`];
    await deliver(bodies, env, ids);
    await deliver(bodies, env, ids);
    expect(await rowsOf(ws)).toHaveLength(2);
    await deliver([record({ workspaceId: ws, latencyMs: 8 })], env, [`msg_${crypto.randomUUID()}`]);
    const [line] = await readTotals(drizzle(env.DB), ws);
    expect(line).toMatchObject({ requests: 3, latencyMsSum: 12 + 30 + 8, errors: 0 });
    expect(await rowsOf(ws)).toHaveLength(3);
  });

  it("cuts an over-long path and error text instead of dead-lettering the request's log", async () => {
    const ws = wsId();
    const { env: spied, dlq } = spiedEnv();
    const id = `msg_${crypto.randomUUID()}`;
    await deliver([record({ workspaceId: ws, path: `/${"p".repeat(1000)}`, error: "e".repeat(300), latencyMs: 2.5 })], spied as Env, [id]);
    expect(dlq.send).not.toHaveBeenCalled();
    const [row] = await rowsOf(ws);
    expect([row?.path.length, row?.error?.length, row?.latencyMs]).toEqual([512, 200, 3]);
  });

  it("prunes rows older than 7 days in the same batch, keeping newer ones and the running totals", async () => {
    const ws = wsId();
    const day = 24 * 60 * 60 * 1000;
    const consume = createLogsConsumer({ now: () => NOW });
    const old = [record({ workspaceId: ws, at: NOW - 8 * day }), record({ workspaceId: ws, at: NOW - 7 * day - 1 })];
    const kept = record({ workspaceId: ws, at: NOW - 7 * day + 1 });
    // stored while they were recent (a clock 8 days earlier), then a later batch prunes them
    await deliver(
      [...old, kept],
      env,
      ["o1", "o2", "k1"].map((p) => `${p}_${ws}`),
      createLogsConsumer({ now: () => NOW - 8 * day }),
    );
    expect(await rowsOf(ws)).toHaveLength(3);
    await deliver([record({ workspaceId: ws })], env, [`new_${ws}`], consume);
    expect((await rowsOf(ws)).map((r) => r.id)).toEqual([`k1_${ws}`, `new_${ws}`]);
    const [line] = await readTotals(drizzle(env.DB), ws);
    expect(line?.requests).toBe(4);
  });
});
