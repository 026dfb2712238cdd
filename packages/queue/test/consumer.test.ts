import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { backoffCeiling, defineBatchConsumer, defineConsumer, type QueueConsumer } from "../src";

type Env = Cloudflare.Env;

const job = z.object({ id: z.string().min(1), n: z.number().int() });
type Job = z.infer<typeof job>;

async function deliver(consumer: QueueConsumer<Env>, bodies: unknown[], options: { ids?: string[]; attempts?: number; env?: Env } = {}) {
  const batch = createMessageBatch(
    "jobs",
    bodies.map((body, i) => ({ id: options.ids?.[i] ?? `m${i}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await consumer(batch, options.env ?? env);
  return getQueueResult(batch, ctx);
}

const uid = () => crypto.randomUUID();

describe("defineConsumer", () => {
  it("acks an invalid body without running the handler or retrying it", async () => {
    const seen: Job[] = [];
    const consumer = defineConsumer<Env, Job>({ name: `c-${uid()}`, schema: job, handle: async (b) => void seen.push(b) });
    const result = await deliver(consumer, [{ id: "a", n: 1 }, { id: "" }, "text", null]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2", "m3"]);
    expect(result.retryMessages).toEqual([]);
    expect(seen).toEqual([{ id: "a", n: 1 }]);
  });

  it("sends an invalid body to the dead-letter queue with the reason, then acks it", async () => {
    const dead: unknown[] = [];
    const dlq = { send: async (body: unknown) => void dead.push(body) } as unknown as Queue;
    const consumer = defineConsumer<Env, Job>({ name: "dlq-test", schema: job, deadLetter: () => dlq, handle: async () => {} });
    const result = await deliver(consumer, [{ id: "x", n: "two" }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(dead).toEqual([{ consumer: "dlq-test", messageId: "m0", issues: [expect.stringMatching(/^n: /)], body: { id: "x", n: "two" } }]);
  });

  it("retries an invalid body when the dead-letter queue refuses it (the Queue's own DLQ takes it later)", async () => {
    const dlq = {
      send: async () => {
        throw new Error("dlq down");
      },
    } as unknown as Queue;
    const consumer = defineConsumer<Env, Job>({ name: "dlq-down", schema: job, deadLetter: () => dlq, handle: async () => {} });
    const result = await deliver(consumer, [{ id: 1 }]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m0"]);
  });

  it("retries only the message whose handler throws, with a delay within the backoff bound", async () => {
    const consumer = defineConsumer<Env, Job>({
      name: `c-${uid()}`,
      schema: job,
      handle: async (b) => {
        if (b.n < 0) throw new Error("boom");
      },
    });
    const batch = createMessageBatch(
      "jobs",
      [
        { id: "a", n: 1 },
        { id: "b", n: -1 },
      ].map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 4, body })),
    );
    // getQueueResult reports which messages were retried, not their delay: watch the call itself
    const retry = vi.spyOn(batch.messages[1] as Message<unknown>, "retry");
    const ctx = createExecutionContext();
    await consumer(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
    expect(retry).toHaveBeenCalledOnce();
    const delay = retry.mock.calls[0]?.[0]?.delaySeconds;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(backoffCeiling(4));
  });

  it("with idempotency, a redelivered message runs the handler once", async () => {
    let runs = 0;
    const consumer = defineConsumer<Env, Job>({
      name: `c-${uid()}`,
      schema: job,
      idempotency: { db: (e) => e.DB },
      handle: async () => void runs++,
    });
    const first = await deliver(consumer, [{ id: "a", n: 1 }], { ids: ["msg-1"] });
    const again = await deliver(consumer, [{ id: "a", n: 1 }], { ids: ["msg-1"], attempts: 2 });
    expect(first.explicitAcks).toEqual(["msg-1"]);
    expect(again.explicitAcks).toEqual(["msg-1"]);
    expect(runs).toBe(1);
    // another message (new id) with the same body is new work under the default key
    await deliver(consumer, [{ id: "a", n: 1 }], { ids: ["msg-2"] });
    expect(runs).toBe(2);
  });

  it("a body key folds duplicate sends, in one batch and across batches; keys are per consumer", async () => {
    const runs: string[] = [];
    const make = (name: string) =>
      defineConsumer<Env, Job>({
        name,
        schema: job,
        idempotency: { db: (e) => e.DB, key: (b) => b.id },
        handle: async (b) => void runs.push(`${name}:${b.id}`),
      });
    const one = make(`one-${uid()}`);
    const two = make(`two-${uid()}`);
    const result = await deliver(one, [
      { id: "k", n: 1 },
      { id: "k", n: 1 },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    await deliver(one, [{ id: "k", n: 1 }], { ids: ["other"] });
    await deliver(two, [{ id: "k", n: 1 }]);
    expect(runs.map((r) => r.split(":")[0]?.split("-")[0])).toEqual(["one", "two"]);
  });

  it("a failed handler records nothing, so the retry runs it again", async () => {
    let fail = true;
    let runs = 0;
    const consumer = defineConsumer<Env, Job>({
      name: `c-${uid()}`,
      schema: job,
      idempotency: { db: (e) => e.DB },
      handle: async () => {
        runs++;
        if (fail) throw new Error("down");
      },
    });
    expect((await deliver(consumer, [{ id: "a", n: 1 }])).retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m0"]);
    fail = false;
    expect((await deliver(consumer, [{ id: "a", n: 1 }], { attempts: 2 })).explicitAcks).toEqual(["m0"]);
    expect(runs).toBe(2);
  });

  it("when the processed table cannot be read, every message is retried and no handler runs", async () => {
    let runs = 0;
    const broken = {
      prepare: () => {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const consumer = defineConsumer<Env, Job>({
      name: "down",
      schema: job,
      idempotency: { db: () => broken },
      handle: async () => void runs++,
    });
    const result = await deliver(consumer, [
      { id: "a", n: 1 },
      { id: "b", n: 2 },
    ]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(["m0", "m1"]);
    expect(runs).toBe(0);
  });
});

describe("defineBatchConsumer", () => {
  it("hands the valid bodies to one call and acks them all", async () => {
    const calls: Job[][] = [];
    const consumer = defineBatchConsumer<Env, Job>({ name: `b-${uid()}`, schema: job, handleBatch: async (b) => void calls.push(b) });
    const result = await deliver(consumer, [{ id: "a", n: 1 }, { bad: true }, { id: "b", n: 2 }]);
    expect(calls).toEqual([
      [
        { id: "a", n: 1 },
        { id: "b", n: 2 },
      ],
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2"]);
  });

  it("when the batch fails, handles each alone and retries only the one that fails alone", async () => {
    const done: string[] = [];
    const consumer = defineBatchConsumer<Env, Job>({
      name: `b-${uid()}`,
      schema: job,
      handleBatch: async (bodies) => {
        if (bodies.some((b) => b.n < 0)) throw new Error("poisoned batch");
        done.push(...bodies.map((b) => b.id));
      },
    });
    const result = await deliver(consumer, [
      { id: "a", n: 1 },
      { id: "bad", n: -1 },
      { id: "c", n: 3 },
    ]);
    expect(done).toEqual(["a", "c"]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m2"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m1"]);
  });

  it("with idempotency, skips what an earlier batch handled", async () => {
    const calls: string[][] = [];
    const consumer = defineBatchConsumer<Env, Job>({
      name: `b-${uid()}`,
      schema: job,
      idempotency: { db: (e) => e.DB },
      handleBatch: async (bodies) => void calls.push(bodies.map((b) => b.id)),
    });
    await deliver(consumer, [{ id: "a", n: 1 }], { ids: ["x1"] });
    const result = await deliver(
      consumer,
      [
        { id: "a", n: 1 },
        { id: "b", n: 2 },
      ],
      { ids: ["x1", "x2"] },
    );
    expect(calls).toEqual([["a"], ["b"]]);
    expect(result.explicitAcks.sort()).toEqual(["x1", "x2"]);
  });
});
