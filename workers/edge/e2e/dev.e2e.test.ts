import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccountsClient, createTodoClient } from "../../../packages/client/src/index.ts";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";
import registry from "../../../products.json";

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
    // the reference pages show each operation's name (operationId), the one generated clients use
    const init = await call("/_docs/init.js");
    expect(init.status).toBe(200);
    expect(await init.text()).toMatch(/displayOperationId:\s*true/);
  });

  it("lists every product's document at /openapi.json, and each one answers there with named operations", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const index = (await res.json()) as { products: { prefix: string; openapi: string; docs: string }[] };
    expect(index.products.map((p) => p.prefix)).toEqual(registry.products.map((p) => p.prefix));
    for (const product of index.products) {
      const doc = await call(product.openapi);
      expect(doc.status, product.openapi).toBe(200);
      const body = (await doc.json()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string }>> };
      expect(body.openapi).toBe("3.1.0");
      const methods = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
      const ops = Object.values(body.paths).flatMap((item) => Object.entries(item).flatMap(([m, op]) => (methods.has(m) ? [op] : [])));
      expect(ops.filter((op) => !op.operationId).length, `${product.openapi}: operations without an operationId`).toBe(0);
      const page = await call(product.docs);
      expect(page.status, product.docs).toBe(200);
      expect(await page.text()).toContain(`data-spec-url="${product.openapi}"`);
    }
  });

  it("registers, logs in, and manages todos with a real access token (through the typed clients)", async () => {
    const accounts = createAccountsClient(dev.url);
    const email = `e2e-${Date.now()}@example.com`;
    const reg = await accounts.POST("/auth/v1/register", { body: { email, password: "correct horse battery", name: "E2E" } });
    expect(reg.response.status).toBe(201);
    const login = await accounts.POST("/auth/v1/login", { body: { email: email.toUpperCase(), password: "correct horse battery" } });
    expect(login.response.status).toBe(200);
    const { accessToken, refreshToken } = login.data!;

    const jwks = (await accounts.GET("/auth/.well-known/jwks.json")).data as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(jwks.keys[0]!.d).toBeUndefined();

    const todos = createTodoClient(dev.url, { token: accessToken });
    const created = await todos.POST("/todo/v1/todos", { body: { title: "ship it", tags: ["work"] } });
    expect(created.response.status).toBe(201);
    const todo = created.data!;
    expect(created.response.headers.get("Location")).toBe(`/todo/v1/todos/${todo.id}`);

    const list = await todos.GET("/todo/v1/todos", { params: { query: { limit: 10 } } });
    expect(list.response.status).toBe(200);
    expect(list.data!.items.map((t) => t.id)).toEqual([todo.id]);

    const done = await todos.POST("/todo/v1/todos/{id}/complete", { params: { path: { id: todo.id } } });
    expect(done.data!.completed).toBe(true);

    const refreshed = await accounts.POST("/auth/v1/refresh", { body: { refreshToken } });
    expect(refreshed.response.status).toBe(200);
    const reused = await accounts.POST("/auth/v1/refresh", { body: { refreshToken } });
    expect(reused.response.status).toBe(401);

    const outbox = await accounts.GET("/auth/v1/dev/outbox", { params: { query: { to: email } } });
    expect(outbox.response.status).toBe(200); // pnpm dev turns the dev outbox on
    expect(JSON.stringify(outbox.data)).toContain(email);

    const anonymous = await createTodoClient(dev.url).GET("/todo/v1/todos");
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.response.headers.get("Content-Type")).toBe("application/problem+json");
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

// packages/client's types are generated from committed copies of the products' OpenAPI documents
// (pnpm client:gen); a route changed without regenerating them fails here, in CI.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const committed = (name: string): unknown => JSON.parse(readFileSync(`${ROOT}packages/client/openapi/${name}.json`, "utf8"));

describe("packages/client is generated from what the products serve", () => {
  it.each(registry.products)(
    "$worker: $prefix/openapi.json is the committed document in packages/client/openapi",
    async ({ worker, prefix }) => {
      const res = await call(`${prefix}/openapi.json`);
      expect(res.status).toBe(200);
      expect(await res.json(), `${prefix}/openapi.json changed: run pnpm client:gen and commit packages/client`).toEqual(committed(worker));
    },
  );

  it("the generated types are those of the committed documents", () => {
    const check = spawnSync(process.execPath, ["scripts/client-gen.mjs", "--offline", "--check"], { cwd: ROOT, encoding: "utf8" });
    expect(check.status, `${check.stdout}${check.stderr}\nrun pnpm client:gen`).toBe(0);
  });
});
