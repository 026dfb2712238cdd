import { describe, expect, it } from "vitest";
import { fakeService, fetchWith, throwing } from "./helpers";

type Health = { status: string; services: { service: string; up: boolean; latencyMs: number; version: string; detail?: string }[] };
const up = () => fakeService(() => Response.json({ status: "ok" }));

describe("GET /commerce/v1/health", () => {
  const all = () => ({
    USERS: up().binding,
    CATALOG: up().binding,
    CART: up().binding,
    ORDERS: up().binding,
    PAYMENTS: up().binding,
    NOTIFICATIONS: up().binding,
  });

  it("is public and 200 ok when every service answers its /commerce/health", async () => {
    const users = up();
    const res = await fetchWith({ ...all(), USERS: users.binding }, "/commerce/v1/health", { headers: { "X-Request-Id": "req-health" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Health;
    expect(body.status).toBe("ok");
    expect(body.services.map((s) => [s.service, s.up, s.version])).toEqual(
      ["users", "catalog", "cart", "orders", "payments", "notifications"].map((s) => [s, true, "1.0.0"]),
    );
    for (const s of body.services) expect(s.latencyMs).toBeGreaterThanOrEqual(0);
    expect(new URL(users.seen[0]?.url ?? "").pathname).toBe("/commerce/health");
    expect(users.seen[0]?.headers.get("X-Request-Id")).toBe("req-health");
  });

  it("503 degraded when one throws, one answers 503 (the mesh stub), one answers something else", async () => {
    const res = await fetchWith(
      {
        ...all(),
        CART: throwing().binding,
        PAYMENTS: fakeService(() => new Response("edgeworks-commerce-payments is not in the mesh", { status: 503 })).binding,
        USERS: fakeService(() => Response.json({ status: "starting" })).binding,
      },
      "/commerce/v1/health",
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body.status).toBe("degraded");
    const down = Object.fromEntries(body.services.filter((s) => !s.up).map((s) => [s.service, s.detail]));
    expect(down).toEqual({ users: "answered 200", cart: "connection refused", payments: "answered 503" });
  });

  it("a service that never answers is down after HEALTH_TIMEOUT_MS", async () => {
    const hang = fakeService(() => new Promise<Response>(() => {}));
    const res = await fetchWith({ ...all(), ORDERS: hang.binding, HEALTH_TIMEOUT_MS: "50" }, "/commerce/v1/health");
    const body = (await res.json()) as Health;
    expect(res.status).toBe(503);
    expect(body.services.find((s) => s.service === "orders")).toMatchObject({ up: false, detail: "health check timed out after 50 ms" });
  });
});
