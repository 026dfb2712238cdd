// aggregate end to end: one route fans out to two services (fake upstreams A and B) through the proxy.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createWorkspace, gw, newUser, putConfig } from "../helpers";

/** The fake upstream Worker B (bound by vitest.config.ts, not part of the Worker's generated Env). */
const upstreamB = (env as unknown as { UPSTREAM_B: Fetcher }).UPSTREAM_B;

interface Echo {
  name: string;
  path: string;
  method: string;
}

async function workspace(timeoutMs = 5000) {
  const user = await newUser();
  const ws = await createWorkspace(user.token);
  await putConfig(user.token, ws.slug, {
    services: [
      { name: "users", targets: [{ binding: "UPSTREAM_A" }], retries: 0 },
      { name: "orders", targets: [{ binding: "UPSTREAM_B" }], retries: 0 },
    ],
    routes: [
      {
        name: "profile",
        paths: ["/v1/profile/:id"],
        methods: ["GET"],
        service: null,
        plugins: [
          {
            name: "aggregate",
            config: {
              calls: [
                { name: "user", service: "users", path: "/users/:id" },
                { name: "orders", service: "orders", path: "/orders/by-user/:id" },
              ],
              timeoutMs,
            },
          },
        ],
      },
    ],
  });
  return ws;
}

/** Makes the next `n` requests of `scope` on upstream B fail with `status`. */
async function failB(scope: string, n: number, status = 500) {
  const res = await upstreamB.fetch("http://upstream/__control", {
    method: "POST",
    body: JSON.stringify({ scope, reset: true, failNext: n, failStatus: status }),
  });
  expect(res.status).toBe(200);
}

describe("aggregate through the proxy", () => {
  it("merges both services' JSON under the call names", async () => {
    const ws = await workspace();
    const res = await gw(ws.slug, "/v1/profile/42");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-aggregate-partial")).toBeNull();
    const body = (await res.json()) as { user: Echo; orders: Echo };
    expect(body.user).toMatchObject({ name: "A", method: "GET", path: "/users/42" });
    expect(body.orders).toMatchObject({ name: "B", method: "GET", path: "/orders/by-user/42" });
  });

  it("answers 200 with the failed call null, a warning and X-Aggregate-Partial", async () => {
    const ws = await workspace();
    const scope = `agg-${crypto.randomUUID()}`;
    await failB(scope, 1, 500);
    const res = await gw(ws.slug, "/v1/profile/42", { headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-aggregate-partial")).toBe("true");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.user).toMatchObject({ name: "A", path: "/users/42" });
    expect(body.orders).toBeNull();
    expect(body.warnings).toEqual([{ call: "orders", reason: "status 500" }]);
  });

  it("gives up on a slow call after timeoutMs and answers with the others", async () => {
    const ws = await workspace(50);
    const scope = `agg-${crypto.randomUUID()}`;
    const slow = await upstreamB.fetch("http://upstream/__control", {
      method: "POST",
      body: JSON.stringify({ scope, delayMs: 1000 }),
    });
    expect(slow.status).toBe(200);
    const res = await gw(ws.slug, "/v1/profile/42", { headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-aggregate-partial")).toBe("true");
    expect(await res.json()).toMatchObject({
      user: { name: "A" },
      orders: null,
      warnings: [{ call: "orders", reason: "timeout after 50 ms" }],
    });
  });

  it("answers 502 problem+json when every call fails", async () => {
    const ws = await workspace();
    const res = await gw(ws.slug, "/v1/profile/42", { headers: { "x-fake-status": "503" } });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      status: 502,
      code: "bad_gateway",
      warnings: [
        { call: "user", reason: "status 503" },
        { call: "orders", reason: "status 503" },
      ],
    });
  });
});
