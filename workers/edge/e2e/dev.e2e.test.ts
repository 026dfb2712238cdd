import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

let dev: DevServer;
beforeAll(async () => {
  dev = await startDev();
});
afterAll(async () => {
  await dev?.stop();
});

const call = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  return fetch(`${dev.url}${path}`, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
};

describe("pnpm dev, end to end through the front door", () => {
  it("answers /health and the landing page", async () => {
    const health = await call("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect(health.headers.get("X-Request-Id")).toBeTruthy();
    const landing = await call("/");
    expect(await landing.text()).toContain('href="/todo/docs"');
  });

  it("serves every product's OpenAPI document and its reference page with offline assets", async () => {
    for (const prefix of ["/auth", "/todo"]) {
      const doc = await call(`${prefix}/openapi.json`);
      expect(doc.status).toBe(200);
      expect((await doc.json()).openapi).toBe("3.1.0");
      const page = await call(`${prefix}/docs`);
      expect(await page.text()).toContain("/_docs/swagger-ui-bundle.js");
    }
    const asset = await call("/_docs/swagger-ui-bundle.js");
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
  });

  it("registers, logs in, and manages todos with a real access token", async () => {
    const email = `e2e-${Date.now()}@example.com`;
    const reg = await call("/auth/v1/register", { method: "POST", json: { email, password: "correct horse battery", name: "E2E" } });
    expect(reg.status).toBe(201);
    const login = await call("/auth/v1/login", { method: "POST", json: { email: email.toUpperCase(), password: "correct horse battery" } });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = (await login.json()) as { accessToken: string; refreshToken: string };

    const jwks = await (await call("/auth/.well-known/jwks.json")).json();
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(jwks.keys[0].d).toBeUndefined();

    const created = await call("/todo/v1/todos", { method: "POST", token: accessToken, json: { title: "ship it", tags: ["work"] } });
    expect(created.status).toBe(201);
    const todo = (await created.json()) as { id: string };
    expect(created.headers.get("Location")).toBe(`/todo/v1/todos/${todo.id}`);

    const list = await call("/todo/v1/todos?limit=10", { token: accessToken });
    expect(list.status).toBe(200);
    expect((await list.json()).items.map((t: { id: string }) => t.id)).toEqual([todo.id]);

    const done = await call(`/todo/v1/todos/${todo.id}/complete`, { method: "POST", token: accessToken });
    expect((await done.json()).completed).toBe(true);

    const refreshed = await call("/auth/v1/refresh", { method: "POST", json: { refreshToken } });
    expect(refreshed.status).toBe(200);
    const reused = await call("/auth/v1/refresh", { method: "POST", json: { refreshToken } });
    expect(reused.status).toBe(401);

    const outbox = await call(`/auth/v1/dev/outbox?to=${encodeURIComponent(email)}`);
    expect(outbox.status).toBe(200); // pnpm dev turns the dev outbox on
    expect(JSON.stringify(await outbox.json())).toContain(email);

    const anonymous = await call("/todo/v1/todos");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("answers a CORS preflight for a product route", async () => {
    const res = await call("/todo/v1/todos", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:3000");
  });

  it("answers unknown paths with a 404 problem", async () => {
    const res = await call("/definitely/not/here");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, code: "not_found" });
  });
});
