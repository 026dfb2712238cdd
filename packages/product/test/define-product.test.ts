import { createExecutionContext, createMessageBatch, env, SELF } from "cloudflare:test";
import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { defineProduct, type GuardedEnv } from "../src";
import { demo } from "./worker";

const BASE = "https://example.com";
const call = (path: string, init: RequestInit = {}) => SELF.fetch(`${BASE}${path}`, init);
const as = (scopes: string, method = "GET", user = "user_1"): RequestInit => ({
  method,
  headers: { "X-Test-Scopes": scopes, "X-Test-User": user },
});

describe("defineProduct", () => {
  it("answers GET <prefix>/health without credentials and documents it", async () => {
    const res = await call("/demo/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    const doc = await (await call("/demo/openapi.json")).json<{ info: { title: string }; paths: Record<string, unknown> }>();
    expect(doc.info.title).toBe("Demo API");
    expect(Object.keys(doc.paths)).toContain("/demo/health");
    expect((await call("/demo/docs")).headers.get("Content-Type")).toContain("text/html");
  });

  it("authenticates every /v1 path once, unknown paths too (401 problem)", async () => {
    for (const path of ["/demo/v1/me", "/demo/v1/nope"]) {
      const res = await call(path);
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
  });

  it("checks <scope>:read for reads and <scope>:write for writes", async () => {
    expect((await call("/demo/v1/me", as("demo:write"))).status).toBe(403);
    expect(await (await call("/demo/v1/me", as("demo:read"))).json()).toEqual({ userId: "user_1", now: 42 });
    const denied = await call("/demo/v1/things", as("demo:read", "POST"));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ detail: 'This credential lacks the "demo:write" scope' });
    expect((await call("/demo/v1/things", as("*", "POST", "user_star"))).status).toBe(201);
  });

  it("limits writes per user (WRITE_RATE_LIMIT_PER_MINUTE), never reads", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("/demo/v1/things", as("demo:write", "POST", "user_writer"))).status);
    expect(statuses).toEqual([201, 201, 429]);
    expect((await call("/demo/v1/things", as("demo:write", "POST", "user_other"))).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await call("/demo/v1/me", as("demo:read", "GET", "user_writer"))).status).toBe(200);
  });

  it("serves the open router before the guard, and root routes on the app", async () => {
    const res = await call("/demo/v1/tickets/t1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ticket: "t1", requestId: res.headers.get("X-Request-Id") });
    expect(await (await call("/demo/v1/whoami")).json()).toEqual({ userId: null });
    expect(await (await call("/")).text()).toBe("landing");
  });

  it("authenticateIfPresent: anonymous without Authorization; with it, authenticated (401) and scope-checked (403)", async () => {
    const post = (headers: Record<string, string>) => call("/demo/v1/optional", { method: "POST", headers });
    expect(await (await post({})).json()).toEqual({ userId: null });
    const bearer = { Authorization: "Bearer x" };
    expect(await (await post({ ...bearer, "X-Test-Scopes": "demo:write", "X-Test-User": "user_opt" })).json()).toEqual({
      userId: "user_opt",
    });
    const unauthenticated = await post(bearer);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("Content-Type")).toBe("application/problem+json");
    const denied = await post({ ...bearer, "X-Test-Scopes": "demo:read" });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ detail: 'This credential lacks the "demo:write" scope' });
  });

  it("lets the worker's own fetch answer first, and the app otherwise", async () => {
    const res = await call("/r/x", { redirect: "manual" });
    expect(res.status).toBe(302);
    expect((await call("/r/y")).status).toBe(404);
  });

  it("worker() keeps its handlers' types and the app's fetch signature (a test calls them as it called the app)", async () => {
    const seen: string[] = [];
    const product = defineProduct<Env>({ prefix: "/kept", title: "t", version: "1", description: "d", guard: false });
    const worker = product.worker({
      async queue(batch, _env) {
        for (const m of batch.messages) seen.push(String(m.body));
      },
    });
    // two arguments, as the products' queue tests call it (ExportedHandler's queue would need three)
    await worker.queue(createMessageBatch("kept", [{ id: "1", timestamp: new Date(), attempts: 1, body: "m1" }]), env);
    expect(seen).toEqual(["m1"]);
    // Hono's fetch: env may be partial, as in boards' outage test
    const res = await worker.fetch(new Request("https://example.com/kept/health"), { LOG_LEVEL: "silent" }, createExecutionContext());
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("builds once: a second build() returns the same app", () => {
    expect(demo.build()).toBe(demo.app);
  });

  it("throws when deps are asked of a product that defined none", () => {
    const bare = defineProduct<Env>({ prefix: "/bare", title: "t", version: "1", description: "d", guard: false });
    expect(() => bare.deps({} as Context<GuardedEnv<Env>>)).toThrow("/bare: defineProduct was given no deps factory");
  });
});
