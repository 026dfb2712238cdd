import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTodo, expectProblem, newUser } from "./helpers";

describe("GET /todo/health", () => {
  it("is ok without authentication", async () => {
    const res = await SELF.fetch("http://todo.test/todo/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("OpenAPI document and reference", () => {
  it("documents every route with schemas, security and error responses", async () => {
    const res = await SELF.fetch("http://todo.test/todo/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(ops.map((o) => o.key).sort()).toEqual(
      [
        "GET /todo/health",
        "GET /todo/v1/todos",
        "POST /todo/v1/todos",
        "DELETE /todo/v1/todos",
        "POST /todo/v1/todos/complete-all",
        "GET /todo/v1/todos/{id}",
        "PATCH /todo/v1/todos/{id}",
        "PUT /todo/v1/todos/{id}",
        "DELETE /todo/v1/todos/{id}",
        "POST /todo/v1/todos/{id}/complete",
        "POST /todo/v1/todos/{id}/incomplete",
        "GET /todo/v1/tags",
        "PATCH /todo/v1/tags/{name}",
        "DELETE /todo/v1/tags/{name}",
      ].sort(),
    );
    for (const { key, op } of ops) {
      if (key === "GET /todo/health") continue;
      expect(op.security, key).toEqual([{ bearerAuth: [] }]);
      expect(op.responses["401"], key).toBeDefined();
      expect(op.responses["403"], key).toBeDefined();
      if (key.includes("{")) expect(op.responses["404"], key).toBeDefined();
      if (op.requestBody) {
        expect(op.requestBody.required, key).toBe(true);
        for (const status of ["400", "413", "415", "422"]) expect(op.responses[status], `${key} ${status}`).toBeDefined();
      }
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Todo", "TodoPage", "CreateTodo", "UpdateTodo", "ReplaceTodo", "Tag", "TagList", "RenameTag", "Problem"]),
    );
    const list = doc.paths["/todo/v1/todos"].get.parameters.map((p: any) => p.name);
    expect(list).toEqual(
      expect.arrayContaining(["limit", "cursor", "status", "tag", "priority", "q", "dueBefore", "dueAfter", "overdue", "sort", "order"]),
    );
    const create = doc.paths["/todo/v1/todos"].post;
    expect(create.parameters.map((p: any) => `${p.in}:${p.name}`)).toContain("header:idempotency-key");
    expect(create.responses["201"].headers.Location).toBeDefined();
    expect(doc.components.schemas.ReplaceTodo.allOf).toBeUndefined();
  });

  it("serves the interactive reference", async () => {
    const res = await SELF.fetch("http://todo.test/todo/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-spec-url="/todo/openapi.json"');
  });
});

describe("conditional GET", () => {
  it("GET /todos/{id} has an ETag; If-None-Match answers 304 until the todo changes", async () => {
    const { token } = await newUser();
    const todo = await createTodo(token);
    const first = await call("GET", `/todos/${todo.id}`, token);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await call("GET", `/todos/${todo.id}`, token, undefined, { "If-None-Match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    await call("PATCH", `/todos/${todo.id}`, token, { title: "Changed" });
    const changed = await call("GET", `/todos/${todo.id}`, token, undefined, { "If-None-Match": etag ?? "" });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("lists have ETags too", async () => {
    const { token } = await newUser();
    await createTodo(token);
    const etag = (await call("GET", "/todos", token)).headers.get("ETag") ?? "";
    expect((await call("GET", "/todos", token, undefined, { "If-None-Match": etag })).status).toBe(304);
  });
});

describe("write rate limit", () => {
  it("writes carry RateLimit-* headers, reads do not", async () => {
    const { token } = await newUser();
    const first = await call("POST", "/todos", token, { title: "a" });
    // production allows 600 writes a minute (wrangler.toml); the tests run with 100 (vitest.config.ts)
    expect(first.headers.get("RateLimit-Limit")).toBe("100");
    expect(first.headers.get("RateLimit-Remaining")).toBe("99");
    expect(Number(first.headers.get("RateLimit-Reset"))).toBeGreaterThanOrEqual(0);
    const second = await call("POST", "/todos", token, { title: "" });
    expect(second.status).toBe(422);
    expect(second.headers.get("RateLimit-Remaining")).toBe("98");
    const read = await call("GET", "/todos", token);
    expect(read.headers.get("RateLimit-Limit")).toBeNull();
  });

  it("the write past the limit is 429 with Retry-After; reads and other users go on", async () => {
    const { token } = await newUser();
    const started = Date.now();
    for (let sent = 0; sent < 100; sent += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => call("POST", "/todos/complete-all", token)));
      expect(batch.every((r) => r.status === 200)).toBe(true);
    }
    // the bucket refills one write per 600 ms, so on a slow machine a few more may pass before the 429
    let limited = await call("POST", "/todos", token, { title: "one too many" });
    let extra = 0;
    while (limited.status !== 429 && extra < 20) {
      extra++;
      limited = await call("POST", "/todos/complete-all", token);
    }
    expect(extra).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 600) + 1);
    await expectProblem(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    const page = await call("GET", "/todos", token);
    expect(page.status).toBe(200);
    const other = await newUser();
    expect((await call("POST", "/todos", other.token, { title: "fine" })).status).toBe(201);
  });
});
