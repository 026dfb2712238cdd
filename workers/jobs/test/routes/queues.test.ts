import { describe, expect, it } from "vitest";
import { api, call, createQueue, listAllQueues, newUser, type Page, type Queue, queueName, ZERO_COUNTS } from "../helpers";

describe("queues", () => {
  it("create, read by name and id, list, update and delete (happy path)", async () => {
    const { token } = await newUser();
    const name = queueName("emails");
    const res = await call("POST", "/queues", token, { name, concurrency: 3, rateLimit: { max: 5, perSeconds: 2 } });
    const queue: Queue = await api.ok(res, 201);
    expect(queue).toEqual({
      id: expect.stringMatching(/^q_[A-Za-z0-9]{12}$/),
      name,
      paused: false,
      concurrency: 3,
      rateLimit: { max: 5, perSeconds: 2 },
      defaultJobOptions: {},
      retention: { completed: { count: 1000, ageSeconds: 604_800 }, failed: { count: 10_000, ageSeconds: 2_592_000 } },
      counts: ZERO_COUNTS,
      createdAt: expect.any(String),
      updatedAt: queue.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/jobs/v1/queues/${name}`);
    expect(await api.ok(call("GET", `/queues/${name}`, token))).toEqual(queue);
    expect(await api.ok(call("GET", `/queues/${queue.id}`, token))).toEqual(queue);

    const patched: Queue = await api.ok(
      call("PATCH", `/queues/${name}`, token, {
        paused: true,
        rateLimit: null,
        defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 100, jitter: 0.5 } },
        retention: { failed: { count: 5 } },
      }),
    );
    expect(patched).toMatchObject({
      id: queue.id,
      paused: true,
      concurrency: 3,
      rateLimit: null,
      defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 100, jitter: 0.5 } },
      retention: { completed: { count: 1000, ageSeconds: 604_800 }, failed: { count: 5, ageSeconds: 2_592_000 } },
    });
    expect(await api.ok(call("PATCH", `/queues/${name}`, token, {}))).toEqual(patched);
    const renamed: Queue = await api.ok(call("PATCH", `/queues/${queue.id}`, token, { name: `${name}-2` }));
    expect(renamed.name).toBe(`${name}-2`);
    await api.problem(call("GET", `/queues/${name}`, token), 404, "not_found");

    expect(await listAllQueues(token)).toEqual([renamed]);
    expect((await call("DELETE", `/queues/${queue.id}`, token)).status).toBe(204);
    await api.problem(call("GET", `/queues/${queue.id}`, token), 404, "not_found");
    await api.problem(call("DELETE", `/queues/${queue.id}`, token), 404, "not_found");
    expect(await listAllQueues(token)).toEqual([]);
  });

  it("a name is unique per owner (409), not across owners", async () => {
    const a = await newUser();
    const b = await newUser();
    const q = await createQueue(a.token, { name: "shared-name" });
    await api.problem(call("POST", "/queues", a.token, { name: "shared-name" }), 409, "conflict");
    const other = await createQueue(b.token, { name: "shared-name" });
    expect(other.id).not.toBe(q.id);
    const second = await createQueue(a.token);
    await api.problem(call("PATCH", `/queues/${second.id}`, a.token, { name: "shared-name" }), 409, "conflict");
    expect((await listAllQueues(a.token)).map((x) => x.name).sort()).toEqual([second.name, "shared-name"].sort());
  });

  it("pages by name, each queue once, with an opaque cursor", async () => {
    const { token } = await newUser();
    const names = ["c-q", "a-q", "e-q", "b-q", "d-q"];
    for (const name of names) await createQueue(token, { name });
    const first: Page<Queue> = await api.ok(call("GET", "/queues?limit=2", token));
    expect(first.items.map((q) => q.name)).toEqual(["a-q", "b-q"]);
    expect((await listAllQueues(token)).map((q) => q.name)).toEqual([...names].sort());
    await api.problem(call("GET", "/queues?cursor=not-a-cursor", token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/queues?limit=0", token), 422, "validation_failed", ["limit"]);
    await api.problem(call("GET", "/queues?limit=101", token), 422, "validation_failed", ["limit"]);
  });

  it.each([
    ["no name", {}, "name"],
    ["an empty name", { name: "" }, "name"],
    ["a 65-character name", { name: "x".repeat(65) }, "name"],
    ["a name with a slash", { name: "a/b" }, "name"],
    ["a name with a space", { name: "a b" }, "name"],
    ["a name with an emoji", { name: "q🙂" }, "name"],
    ["a name with a NUL", { name: "a\u0000b" }, "name"],
    ["a name that is a number", { name: 42 }, "name"],
    ["concurrency 0", { name: "ok", concurrency: 0 }, "concurrency"],
    ["concurrency 1001", { name: "ok", concurrency: 1001 }, "concurrency"],
    ["concurrency 1.5", { name: "ok", concurrency: 1.5 }, "concurrency"],
    ["concurrency as a string", { name: "ok", concurrency: "5" }, "concurrency"],
    ["a rate limit without perSeconds", { name: "ok", rateLimit: { max: 1 } }, "rateLimit.perSeconds"],
    ["a rate limit of 0", { name: "ok", rateLimit: { max: 0, perSeconds: 1 } }, "rateLimit.max"],
    ["priority 11 by default", { name: "ok", defaultJobOptions: { priority: 11 } }, "defaultJobOptions.priority"],
    ["attempts 101 by default", { name: "ok", defaultJobOptions: { attempts: 101 } }, "defaultJobOptions.attempts"],
    [
      "a backoff of an unknown type",
      { name: "ok", defaultJobOptions: { backoff: { type: "linear", delay: 1 } } },
      "defaultJobOptions.backoff.type",
    ],
    [
      "a jitter of 2",
      { name: "ok", defaultJobOptions: { backoff: { type: "fixed", delay: 1, jitter: 2 } } },
      "defaultJobOptions.backoff.jitter",
    ],
    ["a timeout of 99 ms", { name: "ok", defaultJobOptions: { timeout: 99 } }, "defaultJobOptions.timeout"],
    ["a negative retention", { name: "ok", retention: { completed: { count: -1 } } }, "retention.completed.count"],
    ["paused as a string", { name: "ok", paused: "yes" }, "paused"],
    ["an unknown field", { name: "ok", owner: "someone" }, ""],
  ])("refuses %s with 422 and changes nothing", async (_what, body, path) => {
    const { token } = await newUser();
    await api.problem(call("POST", "/queues", token, body), 422, "validation_failed", [path]);
    expect(await listAllQueues(token)).toEqual([]);
  });

  it("refuses bad updates with 422 and leaves the queue as it was", async () => {
    const { token } = await newUser();
    const queue = await createQueue(token);
    await api.problem(call("PATCH", `/queues/${queue.name}`, token, { concurrency: 0 }), 422, "validation_failed", ["concurrency"]);
    await api.problem(call("PATCH", `/queues/${queue.name}`, token, { name: "../etc" }), 422, "validation_failed", ["name"]);
    await api.problem(call("PATCH", `/queues/${queue.name}`, token, '{"paused": tru'), 400, "malformed_json");
    expect(await api.ok(call("GET", `/queues/${queue.id}`, token))).toEqual(queue);
  });

  it("answers malformed JSON with 400, a body over 1 MiB with 413 and text/plain with 415", async () => {
    const { token } = await newUser();
    await api.problem(call("POST", "/queues", token, '{"name": "x",'), 400, "malformed_json");
    await api.problem(call("POST", "/queues", token, JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large");
    const plain = await api.fetch("/queues", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
      body: '{"name":"x"}',
    });
    await api.problem(plain, 415, "unsupported_media_type");
    expect(await listAllQueues(token)).toEqual([]);
  });

  it("path tricks in {q} are 404 or 422 problems", async () => {
    const { token } = await newUser();
    await createQueue(token, { name: "real" });
    for (const path of ["/queues/..%2Freal", "/queues/real%00", `/queues/${"x".repeat(65)}`, "/queues/%F0%9F%99%82", "/queues/real%20"]) {
      const res = await call("GET", path, token);
      expect([404, 422], path).toContain(res.status);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
  });

  it("Idempotency-Key replays the first creation; another body with the key is 422", async () => {
    const { token } = await newUser();
    const key = { "Idempotency-Key": `create-${queueName()}` };
    const first = await call("POST", "/queues", token, { name: "idem" }, key);
    const created: Queue = await api.ok(first, 201);
    const again = await call("POST", "/queues", token, { name: "idem" }, key);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await api.ok(again, 201)).toEqual(created);
    await api.problem(call("POST", "/queues", token, { name: "other" }, key), 422, "validation_failed", ["idempotency-key"]);
    expect((await listAllQueues(token)).map((q) => q.id)).toEqual([created.id]);
  });

  it("is 401 without a token and 403 with the wrong scope, changing nothing", async () => {
    const user = await newUser();
    await api.problem(call("GET", "/queues"), 401, "unauthorized");
    await api.problem(call("POST", "/queues", undefined, { name: "x" }), 401, "unauthorized");
    const reader = await newUser("jobs:read");
    await api.problem(call("POST", "/queues", reader.token, { name: "x" }), 403, "forbidden");
    expect(await api.ok(call("GET", "/queues", reader.token))).toEqual({ items: [], nextCursor: null });
    const { mintToken } = await import("@edgeworks/testing");
    const writer = await mintToken({ sub: user.id, scope: "jobs:write" });
    await api.problem(call("GET", "/queues", writer), 403, "forbidden");
    expect(await listAllQueues(user.token)).toEqual([]);
  });

  it("keeps owners apart: another owner's queue is 404 by name and by id", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token, { name: "private-q" });
    const stranger = await newUser();
    for (const q of [queue.name, queue.id]) {
      await api.problem(call("GET", `/queues/${q}`, stranger.token), 404, "not_found");
      await api.problem(call("PATCH", `/queues/${q}`, stranger.token, { paused: false }), 404, "not_found");
      await api.problem(call("DELETE", `/queues/${q}`, stranger.token), 404, "not_found");
    }
    expect(await listAllQueues(stranger.token)).toEqual([]);
    expect(await listAllQueues(owner.token)).toEqual([queue]);
  });
});
