import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import type { ProxyLogRecord } from "../../src/contract";
import { createLogsConsumer } from "../../src/logs.queue";
import { NOW, record } from "./records";

// Seeds log records through the real consumer (clock pinned to NOW), 100 per queue batch.
const consume = createLogsConsumer({ now: () => NOW });

export async function seed(records: ProxyLogRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 100) {
    const chunk = records.slice(i, i + 100);
    const batch = createMessageBatch(
      "edgeworks-gateway-logs",
      chunk.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await consume(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(chunk.length);
  }
}

/**
 * The seeded set of the exactness tests, in one workspace, every `at` in [NOW - 30 min, NOW):
 * - rte_a: latencies 1..100 ms; multiples of 10 are 500s (10 errors), the rest 200; consumer csm_1 up to 40 ms, else anonymous
 * - rte_b: 5 ms 200, 7 ms 502, 300 ms 200, consumer csm_b
 * - no route: one 404 at 2 ms, anonymous
 */
export function seededSet(workspaceId: string): ProxyLogRecord[] {
  const out: ProxyLogRecord[] = [];
  const at = (i: number) => NOW - 30 * 60_000 + i * 1000;
  for (let l = 1; l <= 100; l++)
    out.push(
      record({
        workspaceId,
        at: at(l),
        routeId: "rte_a",
        latencyMs: l,
        status: l % 10 === 0 ? 500 : 200,
        consumerId: l <= 40 ? "csm_1" : null,
      }),
    );
  out.push(
    record({ workspaceId, at: at(101), routeId: "rte_b", latencyMs: 5, status: 200, consumerId: "csm_b" }),
    record({ workspaceId, at: at(102), routeId: "rte_b", latencyMs: 7, status: 502, consumerId: "csm_b" }),
    record({ workspaceId, at: at(103), routeId: "rte_b", latencyMs: 300, status: 200, consumerId: "csm_b" }),
    record({ workspaceId, at: at(104), routeId: null, serviceId: null, latencyMs: 2, status: 404, consumerId: null }),
  );
  return out;
}
