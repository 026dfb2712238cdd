import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineConsumer, defineDeadLetterConsumer, listDeadLetters, REDRIVE_CLAIM_MS, redriveDeadLetters, unwrapDeadLetter } from "../src";

type Env = Cloudflare.Env;
const uid = () => crypto.randomUUID();

/** Delivers bodies to a consumer as a batch of `queue`; returns acks and retries. */
async function deliver(
  consumer: (batch: MessageBatch<unknown>, env: Env) => Promise<void>,
  queue: string,
  bodies: unknown[],
  ids: string[],
  useEnv: Env = env,
) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: ids[i] as string, timestamp: new Date(), attempts: 2, body })),
  );
  const ctx = createExecutionContext();
  await consumer(batch, useEnv);
  return getQueueResult(batch, ctx);
}

const consumerAt = (now: number) => defineDeadLetterConsumer<Env>({ name: "dlq-test", db: (e) => e.DB, now: () => now });

describe("unwrapDeadLetter", () => {
  it("unwraps a consumer's deadLetter parcel (issues → reason) and a refusal ({ reason, body }); keeps anything else as it is", () => {
    expect(unwrapDeadLetter({ consumer: "c", messageId: "m", issues: ["n: bad", "id: short"], body: { id: "x" } })).toEqual({
      body: { id: "x" },
      reason: "invalid: n: bad; id: short",
    });
    expect(unwrapDeadLetter({ reason: "card declined", body: [1] })).toEqual({ body: [1], reason: "card declined" });
    expect(unwrapDeadLetter({ orderId: "o1", body: "text" })).toEqual({ body: { orderId: "o1", body: "text" }, reason: null });
    expect(unwrapDeadLetter("plain")).toEqual({ body: "plain", reason: null });
  });
});

describe("defineDeadLetterConsumer", () => {
  it("records each message once with its original queue, body and reason, and acks the batch", async () => {
    const queue = `q-${uid()}`;
    const [a, b] = [uid(), uid()];
    // what a typed consumer with `deadLetter` really parks: run one and capture its DLQ send
    const parked: unknown[] = [];
    const dlq = { send: async (body: unknown) => void parked.push(body) } as unknown as Queue;
    const typed = defineConsumer<Env, { n: number }>({
      name: "typed",
      schema: z.object({ n: z.number() }),
      deadLetter: () => dlq,
      handle: async () => {},
    });
    await deliver(typed, queue, [{ n: "one" }], ["orig"]);
    expect(parked).toHaveLength(1);

    const result = await deliver(consumerAt(1_000), `${queue}-dlq`, [parked[0], { n: 7 }], [a, b]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.ackAll).toBe(true);
    expect(result.retryBatch.retry).toBe(false);
    // a redelivery of the same DLQ message is not a second row, and does not overwrite the first
    await deliver(consumerAt(2_000), `${queue}-dlq`, [{ n: 8 }], [b]);

    const { items, nextCursor } = await listDeadLetters(env.DB, { queue });
    expect(nextCursor).toBeNull();
    expect(items).toEqual(
      [
        {
          id: a,
          queue,
          body: { n: "one" },
          reason: expect.stringMatching(/^invalid: n: /),
          attempts: 2,
          receivedAt: 1_000,
          redriveRequestedAt: null,
          redrivenAt: null,
        },
        { id: b, queue, body: { n: 7 }, reason: null, attempts: 2, receivedAt: 1_000, redriveRequestedAt: null, redrivenAt: null },
      ].sort((x, y) => (x.id < y.id ? 1 : -1)),
    );
  });

  it("names the queue with queueOf", async () => {
    const queue = `q-${uid()}`;
    const id = uid();
    const consumer = defineDeadLetterConsumer<Env>({ name: "dlq-test", db: (e) => e.DB, queueOf: () => queue });
    await deliver(consumer, "whatever-dead", [{ x: 1 }], [id]);
    expect((await listDeadLetters(env.DB, { queue })).items.map((i) => i.id)).toEqual([id]);
  });

  it("retries the whole batch (acks nothing) when D1 refuses the write", async () => {
    const broken = {
      ...env,
      DB: { batch: async () => Promise.reject(new Error("D1 down")), prepare: env.DB.prepare.bind(env.DB) },
    } as unknown as Env;
    const consumer = defineDeadLetterConsumer<Env>({ name: "dlq-test", db: (e) => e.DB });
    const result = await deliver(consumer, "x-dlq", [{ a: 1 }, { a: 2 }], [uid(), uid()], broken);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.explicitAcks).toEqual([]);
  });
});

/** Records `n` dead letters of a fresh queue at receivedAt 1, 2, …; returns the queue and ids in that order. */
async function seed(n: number): Promise<{ queue: string; ids: string[] }> {
  const queue = `q-${uid()}`;
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `m${String(i).padStart(3, "0")}-${uid()}`;
    ids.push(id);
    await deliver(consumerAt(i), `${queue}-dlq`, [{ i }], [id]);
  }
  return { queue, ids };
}

describe("listDeadLetters", () => {
  it("pages newest first with a cursor bound to the queue, and hides redriven letters unless asked", async () => {
    const { queue, ids } = await seed(5);
    const first = await listDeadLetters(env.DB, { queue, limit: 2 });
    expect(first.items.map((i) => i.body)).toEqual([{ i: 5 }, { i: 4 }]);
    const second = await listDeadLetters(env.DB, { queue, limit: 2, cursor: first.nextCursor ?? "" });
    const third = await listDeadLetters(env.DB, { queue, limit: 2, cursor: second.nextCursor ?? "" });
    expect(second.items.map((i) => i.body)).toEqual([{ i: 3 }, { i: 2 }]);
    expect(third).toMatchObject({ items: [{ body: { i: 1 } }], nextCursor: null });
    // another queue's cursor, or garbage, is the 422 of packages/http
    await expect(listDeadLetters(env.DB, { queue: "other", cursor: first.nextCursor ?? "" })).rejects.toMatchObject({ status: 422 });
    await expect(listDeadLetters(env.DB, { queue, cursor: "garbage!" })).rejects.toMatchObject({ status: 422 });

    await redriveDeadLetters(env.DB, { queue, ids: [ids[4] as string], send: async () => {} });
    expect((await listDeadLetters(env.DB, { queue })).items.map((i) => i.id)).toEqual(ids.slice(0, 4).reverse());
    const all = await listDeadLetters(env.DB, { queue, includeRedriven: true });
    expect(all.items).toHaveLength(5);
    expect(all.items[0]).toMatchObject({ id: ids[4], redrivenAt: expect.any(Number), redriveRequestedAt: expect.any(Number) });
  });
});

describe("redriveDeadLetters", () => {
  it("sends every pending letter's original body once, oldest first, and marks them redriven", async () => {
    const { queue, ids } = await seed(3);
    const sent: unknown[][] = [];
    const result = await redriveDeadLetters(env.DB, { queue, send: async (b) => void sent.push(b), now: () => 50 });
    expect(result).toEqual({ redriven: 3, ids });
    expect(sent).toEqual([[{ i: 1 }, { i: 2 }, { i: 3 }]]);
    const rows = (await listDeadLetters(env.DB, { queue, includeRedriven: true })).items;
    expect(rows.every((r) => r.redrivenAt === 50 && r.redriveRequestedAt === 50)).toBe(true);
    // nothing is left to send
    expect(await redriveDeadLetters(env.DB, { queue, send: async (b) => void sent.push(b) })).toEqual({ redriven: 0, ids: [] });
    expect(sent).toHaveLength(1);
  });

  it("sends only the ids asked for, of this queue; unknown, foreign and redriven ids are skipped", async () => {
    const { queue, ids } = await seed(3);
    const other = await seed(1);
    const sent: unknown[] = [];
    const send = async (b: unknown[]) => void sent.push(...b);
    const result = await redriveDeadLetters(env.DB, {
      queue,
      ids: [ids[1] as string, "nope", other.ids[0] as string, ids[1] as string],
      send,
    });
    expect(result).toEqual({ redriven: 1, ids: [ids[1]] });
    expect(sent).toEqual([{ i: 2 }]);
    expect(await redriveDeadLetters(env.DB, { queue, ids: [ids[1] as string], send })).toEqual({ redriven: 0, ids: [] });
    expect((await listDeadLetters(env.DB, { queue: other.queue })).items).toHaveLength(1);
  });

  it("never sends a letter twice when two redrives run at once", async () => {
    const { queue, ids } = await seed(6);
    const sent: unknown[] = [];
    const send = async (b: unknown[]) => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(...b);
    };
    const [x, y] = await Promise.all([redriveDeadLetters(env.DB, { queue, send }), redriveDeadLetters(env.DB, { queue, send })]);
    expect(x.redriven + y.redriven).toBe(6);
    expect([...x.ids, ...y.ids].sort()).toEqual([...ids].sort());
    expect(sent).toHaveLength(6);
  });

  it("releases the claims when send fails, so a later redrive sends them; a claim left by a dead redrive expires", async () => {
    const { queue, ids } = await seed(2);
    await expect(
      redriveDeadLetters(env.DB, {
        queue,
        send: async () => {
          throw new Error("queue down");
        },
      }),
    ).rejects.toThrow("queue down");
    expect((await listDeadLetters(env.DB, { queue })).items.every((i) => i.redriveRequestedAt === null && i.redrivenAt === null)).toBe(
      true,
    );

    // a redrive that claimed and died (no release): its rows are taken again only after REDRIVE_CLAIM_MS
    await env.DB.prepare("UPDATE dead_letters SET redrive_requested_at = ? WHERE queue = ?").bind(10_000, queue).run();
    const sent: unknown[] = [];
    const send = async (b: unknown[]) => void sent.push(...b);
    expect(await redriveDeadLetters(env.DB, { queue, send, now: () => 10_000 + REDRIVE_CLAIM_MS - 1 })).toEqual({ redriven: 0, ids: [] });
    expect(await redriveDeadLetters(env.DB, { queue, send, now: () => 10_001 + REDRIVE_CLAIM_MS })).toEqual({ redriven: 2, ids });
    expect(sent).toEqual([{ i: 1 }, { i: 2 }]);
  });
});
