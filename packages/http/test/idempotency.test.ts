import { env } from "cloudflare:test";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { IDEMPOTENCY_DDL, IDEMPOTENCY_TTL_MS, idempotency, onError } from "../src";

type TestEnv = { Bindings: { DB: D1Database }; Variables: { auth: { userId: string } } };

let t = 1_800_000_000_000;
/** A create route that counts its runs; `?fail=1` answers 422 and `?slow=1` waits for the gate. */
function appWithCounter() {
  const runs: string[] = [];
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const app = new Hono<TestEnv>();
  app.onError(onError);
  app.use(async (c, next) => {
    c.set("auth", { userId: c.req.header("X-User") ?? "alice" });
    await next();
  });
  app.post("/things", idempotency<TestEnv>({ database: (e) => e.DB, now: () => t }), async (c) => {
    if (c.req.query("fail")) return c.json({ code: "validation_failed" }, 422);
    if (c.req.query("slow")) await gate;
    const body = await c.req.json<{ name: string }>();
    runs.push(body.name);
    c.header("Location", `/things/${runs.length}`);
    c.header("X-Request-Only", "not replayed");
    return c.json({ id: runs.length, name: body.name }, 201);
  });
  const post = (body: unknown, key?: string, opts: { user?: string; query?: string } = {}) =>
    app.request(
      `/things${opts.query ?? ""}`,
      {
        method: "POST",
        body: JSON.stringify(body),
        headers: {
          "Content-Type": "application/json",
          "X-User": opts.user ?? "alice",
          ...(key === undefined ? {} : { "Idempotency-Key": key }),
        },
      },
      env,
    );
  return { runs, post, open };
}

beforeAll(async () => {
  await env.DB.exec(IDEMPOTENCY_DDL.replaceAll("\n", " "));
});

describe("idempotency()", () => {
  it("replays the first 2xx response (status, body, Location) without running the handler", async () => {
    const { runs, post } = appWithCounter();
    const first = await post({ name: "a", tags: [1] }, "k1");
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstBody = await first.json();
    const retry = await post({ tags: [1], name: "a" }, "k1"); // same body, keys in another order
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Location")).toBe("/things/1");
    expect(retry.headers.get("X-Request-Only")).toBeNull();
    expect(await retry.json()).toEqual(firstBody);
    expect(runs).toEqual(["a"]);
  });

  it("the same key with a different body is 422 on the header", async () => {
    const { runs, post } = appWithCounter();
    await post({ name: "one" }, "k2");
    const res = await post({ name: "two" }, "k2");
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: "validation_failed",
      errors: [{ path: "idempotency-key", location: "header", message: "Already used with a different request body" }],
    });
    expect(runs).toEqual(["one"]);
  });

  it("keys are per user, and requests without a key are never deduplicated", async () => {
    const { runs, post } = appWithCounter();
    await post({ name: "x" }, "shared", { user: "u1" });
    expect((await post({ name: "x" }, "shared", { user: "u2" })).headers.get("Idempotent-Replayed")).toBeNull();
    await post({ name: "x" });
    await post({ name: "x" });
    expect(runs).toEqual(["x", "x", "x", "x"]);
  });

  it("a non-2xx answer frees the key; a malformed key is 422", async () => {
    const { runs, post } = appWithCounter();
    expect((await post({ name: "v" }, "k3", { query: "?fail=1" })).status).toBe(422);
    expect((await post({ name: "v" }, "k3")).status).toBe(201);
    expect(runs).toEqual(["v"]);
    for (const key of ["", "k".repeat(256), "a\tb"]) {
      const res = await post({ name: "v" }, key);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ errors: [{ path: "idempotency-key", location: "header" }] });
    }
  });

  it("concurrent requests with one key run the handler once; the others wait and replay it", async () => {
    const { runs, post, open } = appWithCounter();
    const all = Array.from({ length: 4 }, () => post({ name: "race" }, "k4", { query: "?slow=1" }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    const responses = await Promise.all(all);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(responses.filter((r) => r.headers.get("Idempotent-Replayed") === "true")).toHaveLength(3);
    expect(new Set(await Promise.all(responses.map((r) => r.text()))).size).toBe(1);
    expect(runs).toEqual(["race"]);
  });

  it("forgets a key after 24 hours", async () => {
    const { runs, post } = appWithCounter();
    await post({ name: "old" }, "k5");
    t += IDEMPOTENCY_TTL_MS;
    const res = await post({ name: "new" }, "k5");
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await post({ name: "new" }, "k5")).headers.get("Idempotent-Replayed")).toBe("true");
    expect(runs).toEqual(["old", "new"]);
  });
});
