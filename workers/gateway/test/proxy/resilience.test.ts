import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProxyLogRecord } from "../../src/contract";
import { control, type Echo, seen, service, snapshot, through, upstream } from "./support";

/** A, then B (round-robin starts at A in a fresh snapshot), one retry. */
const pair = (overrides: Parameters<typeof service>[0] = {}) =>
  snapshot({ services: [service({ targets: [upstream("A"), upstream("B")], ...overrides })] });

/** The test env with LOGS_QUEUE replaced by a recorder. */
function recording(): { env: Env; records: ProxyLogRecord[] } {
  const records: ProxyLogRecord[] = [];
  const queue = {
    send: async (r: ProxyLogRecord) => void records.push(r),
    sendBatch: async (messages: { body: ProxyLogRecord }[]) => void records.push(...messages.map((m) => m.body)),
  };
  return { env: { ...env, LOGS_QUEUE: queue } as unknown as Env, records };
}

async function expectProblem(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect(await res.json()).toMatchObject({ status, code });
}

describe("failover and retries", () => {
  it("GET: A fails at the network level → retried on B, which answers", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 5, throw: true });
    const { env: logged, records } = recording();
    const res = await through(pair(), "/v1/x", { headers: { "x-fake-scope": scope } }, logged);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Echo).name).toBe("B");
    expect(await seen("A", scope)).toEqual(["GET"]);
    expect(records).toMatchObject([{ status: 200, routeId: "rte_1", serviceId: "svc_1", targetId: "tgt_B", error: null }]);
  });

  it("PUT (idempotent): a 503 from A → retried on B with the same body", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 5 });
    const res = await through(pair(), "/v1/x", {
      method: "PUT",
      body: '{"v":1}',
      headers: { "x-fake-scope": scope, "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    expect((await res.json()) as Echo).toMatchObject({ name: "B", method: "PUT", body: '{"v":1}' });
    expect(await seen("A", scope)).toEqual(["PUT"]);
  });

  it("POST is never retried: A's 503 comes back as is and B sees nothing", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 5 });
    const res = await through(pair({ retries: 3 }), "/v1/x", { method: "POST", body: "x", headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(503);
    expect(res.headers.get("X-Upstream")).toBe("A");
    await res.body?.cancel();
    expect(await seen("A", scope)).toEqual(["POST"]);
    expect(await seen("B", scope)).toEqual([]);
  });

  it("POST or PATCH failing at the network level → 502 problem, sent once", async () => {
    for (const method of ["POST", "PATCH"]) {
      const scope = crypto.randomUUID();
      await control("A", { scope, failNext: 5, throw: true });
      await expectProblem(
        await through(pair({ retries: 3 }), "/v1/x", { method, body: "x", headers: { "x-fake-scope": scope } }),
        502,
        "bad_gateway",
      );
      expect(await seen("A", scope)).toEqual([method]);
      expect(await seen("B", scope)).toEqual([]);
    }
  });

  it("every attempt fails with a 5xx → the last upstream answer as is (B's 503 after A's)", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 5 });
    await control("B", { scope, failNext: 5 });
    const res = await through(pair(), "/v1/x", { headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(503);
    expect(res.headers.get("X-Upstream")).toBe("B");
    await res.body?.cancel();
  });

  it("retries 0: no second attempt; a 500 is never retried", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, failNext: 5 });
    const res = await through(pair({ retries: 0 }), "/v1/x", { headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(503);
    await res.body?.cancel();
    const other = crypto.randomUUID();
    const five = await through(pair(), "/v1/x?fake-status=500", { headers: { "x-fake-scope": other } });
    expect(five.status).toBe(500);
    await five.body?.cancel();
    expect(await seen("B", scope)).toEqual([]);
    expect(await seen("B", other)).toEqual([]);
  });

  it("a flapping target: its failures go to the other one, the client always gets 200", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, flap: [503, 200] });
    const statuses: number[] = [];
    const snap = pair();
    for (let i = 0; i < 6; i++) {
      const res = await through(snap, "/v1/x", { headers: { "x-fake-scope": scope } });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("no target can take traffic (all drained) → 503 problem", async () => {
    const snap = snapshot({ services: [service({ targets: [upstream("A", 0)] })] });
    await expectProblem(await through(snap, "/v1/x"), 503, "service_unavailable");
  });
});

describe("timeouts", () => {
  it("no response headers within connectMs → 504 problem (each attempt timed out), logged as timeout", async () => {
    const { env: logged, records } = recording();
    const res = await through(pair({ connectTimeoutMs: 40 }), "/v1/x", { headers: { "x-fake-delay-ms": "3000" } }, logged);
    await expectProblem(res, 504, "gateway_timeout");
    expect(records).toMatchObject([{ status: 504, error: "timeout", targetId: "tgt_B" }]);
  });

  it("a body that stalls longer than readMs between chunks errors the stream (headers already sent)", async () => {
    const snap = pair({ readTimeoutMs: 40 });
    const res = await through(snap, "/v1/x?fake-chunks=3&fake-chunk-delay-ms=3000");
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/sent nothing for 40 ms/);
  });

  it("a body with short gaps streams through whole", async () => {
    const res = await through(pair({ readTimeoutMs: 5000 }), "/v1/x?fake-chunks=3&fake-chunk-delay-ms=5");
    const text = await res.text();
    expect(text.endsWith("\n1\n2")).toBe(true);
    expect((JSON.parse(text.split("\n")[0] as string) as Echo).path).toBe("/v1/x");
  });
});
