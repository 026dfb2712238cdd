// aggregate: parallel calls through ctx.send, merged JSON, partial answers with warnings, all failed → 502.
import { describe, expect, it } from "vitest";
import type { CompiledService } from "../../src/contract";
import { plugin } from "../../src/plugins/aggregate";
import { fakeContext, fakeRoute, fakeSnapshot, type SentCall } from "../support/context";

const service = (id: string, name: string): CompiledService => ({
  id,
  name,
  targets: [{ id: `tgt_${name}`, url: null, binding: "UPSTREAM_A", weight: 100 }],
  algorithm: "round-robin",
  hashOn: null,
  connectTimeoutMs: 5000,
  readTimeoutMs: 30_000,
  retries: 0,
  healthCheck: null,
  passiveUnhealthyThreshold: 0,
  breaker: null,
});

const route = fakeRoute({ paths: ["/v1/profile/:id"], serviceId: null });
const snapshot = fakeSnapshot({ routes: [route], services: { svc_u: service("svc_u", "users"), svc_o: service("svc_o", "orders") } });
const calls = [
  { name: "user", service: "users", path: "/users/:id" },
  { name: "orders", service: "orders", path: "/orders/by-user/:id" },
];

async function run(config: unknown, upstream: (call: SentCall) => Response | Promise<Response>, request = "/v1/profile/7?page=2") {
  const ctx = fakeContext({ request, snapshot, route, params: { id: "7" }, upstream });
  const res = await plugin.create(plugin.schema.parse(config), route)(ctx, () => Promise.reject(new Error("aggregate must not call next")));
  return { res, ctx, body: (await res.json()) as Record<string, unknown> };
}

describe("aggregate", () => {
  it("calls every service in parallel and merges the bodies under their names", async () => {
    // neither answer comes before both calls were sent: only a parallel fan-out can finish
    let release!: () => void;
    const bothSent = new Promise<void>((r) => {
      release = r;
    });
    let sent = 0;
    const upstream = async (call: SentCall) => {
      sent += 1;
      if (sent === 2) release();
      await bothSent;
      return Response.json({ service: call.serviceId, path: call.path, query: call.query.toString() });
    };
    const { res, ctx, body } = await run({ calls }, upstream);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.has("x-aggregate-partial")).toBe(false);
    expect(body).toEqual({
      user: { service: "svc_u", path: "/users/7", query: "" },
      orders: { service: "svc_o", path: "/orders/by-user/7", query: "" },
    });
    expect(ctx.sent.map((c) => c.request.method)).toEqual(["GET", "GET"]);
  });

  it("forwards the client's query only when a call asks for it", async () => {
    const config = { calls: [{ ...calls[0], forwardQuery: true }, calls[1]] };
    const { body } = await run(config, (call) => Response.json({ query: call.query.toString() }));
    expect(body).toEqual({ user: { query: "page=2" }, orders: { query: "" } });
  });

  it("turns a failed, non-JSON or unknown-service call into null + a warning, 200 with X-Aggregate-Partial", async () => {
    const config = {
      calls: [...calls, { name: "stock", service: "stock", path: "/s" }, { name: "html", service: "users", path: "/page" }],
    };
    const upstream = (call: SentCall) => {
      if (call.serviceId === "svc_o") return Response.json({ error: "boom" }, { status: 500 });
      if (call.path === "/page") return new Response("<html>", { headers: { "content-type": "text/html" } });
      return Response.json({ id: 7 });
    };
    const { res, body } = await run(config, upstream);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-aggregate-partial")).toBe("true");
    expect(body).toEqual({
      user: { id: 7 },
      orders: null,
      stock: null,
      html: null,
      warnings: [
        { call: "orders", reason: "status 500" },
        { call: "stock", reason: "unknown service stock" },
        { call: "html", reason: "not JSON" },
      ],
    });
  });

  it("gives up on a call after timeoutMs and on a call whose send throws", async () => {
    const upstream = (call: SentCall) =>
      call.serviceId === "svc_o" ? new Promise<Response>(() => {}) : Promise.reject(new Error("reset"));
    const { res, body } = await run({ calls, timeoutMs: 20 }, upstream);
    expect(res.status).toBe(502);
    expect(body).toMatchObject({
      code: "bad_gateway",
      warnings: [
        { call: "user", reason: "upstream unreachable" },
        { call: "orders", reason: "timeout after 20 ms" },
      ],
    });
  });

  it("answers 502 problem+json when every call failed", async () => {
    const { res, ctx, body } = await run({ calls }, () => new Response("no", { status: 503 }));
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(body).toMatchObject({ status: 502, code: "bad_gateway", warnings: [{ call: "user" }, { call: "orders" }] });
    expect(ctx.log.error).toBe("aggregate_failed");
  });

  it("merges flat in call order, keeping non-object bodies under their name", async () => {
    const config = { calls: [...calls, { name: "tags", service: "users", path: "/tags" }], merge: "flat" };
    const upstream = (call: SentCall) =>
      call.path === "/tags"
        ? Response.json(["a"])
        : Response.json(call.serviceId === "svc_u" ? { id: 7, name: "ada" } : { name: "x", total: 3 });
    const { body } = await run(config, upstream);
    expect(body).toEqual({ id: 7, name: "x", total: 3, tags: ["a"] });
  });

  it("never lets a body's __proto__ reach the merged object's prototype", async () => {
    const { body } = await run(
      { calls, merge: "flat" },
      () => new Response('{"__proto__": {"admin": true}}', { headers: { "content-type": "application/json" } }),
    );
    expect((body as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it("refuses configs that cannot work", () => {
    const bad = [
      { calls: [] },
      { calls: [calls[0], calls[0]] },
      { calls: [{ ...calls[0], name: "warnings" }] },
      { calls: [{ ...calls[0], path: "/users/../admin" }] },
      { calls: [{ ...calls[0], method: "POST" }] },
      { calls, timeoutMs: 0 },
      { calls, merge: "deep" },
    ];
    for (const config of bad) expect(plugin.schema.safeParse(config).success, JSON.stringify(config)).toBe(false);
  });
});
