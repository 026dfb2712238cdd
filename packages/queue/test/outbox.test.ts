import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { drainOutbox, outboxInsert, outboxStatement } from "../src";

/** A Queue that records what it was sent; `delayMs` makes sends slow enough for drains to overlap. */
function fakeQueue(delayMs = 0, failAfter = Number.POSITIVE_INFINITY) {
  const sent: unknown[] = [];
  let calls = 0;
  const queue = {
    async sendBatch(messages: { body: unknown }[]) {
      if (calls++ >= failAfter) throw new Error("queue unavailable");
      await new Promise((r) => setTimeout(r, delayMs));
      sent.push(...messages.map((m) => m.body));
    },
  } as unknown as Queue;
  return { queue, sent };
}

const rowsOf = (topic: string) =>
  env.DB.prepare("SELECT id, sent_at, claimed_by FROM queue_outbox WHERE topic = ? ORDER BY created_at").bind(topic).all<{
    id: string;
    sent_at: number | null;
    claimed_by: string | null;
  }>();

describe("the outbox", () => {
  it("is written in the same batch as the change: a failed batch leaves no row", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    const db = drizzle(env.DB);
    await db.batch([db.run("SELECT 1"), outboxInsert(db, { topic, body: { n: 1 } })]);
    await expect(
      env.DB.batch([outboxStatement(env.DB, { topic, body: { n: 2 } }), env.DB.prepare("INSERT INTO nowhere VALUES (1)")]),
    ).rejects.toThrow();
    expect((await rowsOf(topic)).results).toHaveLength(1);
  });

  it("drain sends pending rows in order and marks them sent; a second drain sends nothing", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    await env.DB.batch([1, 2, 3].map((n) => outboxStatement(env.DB, { topic, body: { n } }, 1_000 + n)));
    const { queue, sent } = fakeQueue();
    expect(await drainOutbox({ db: env.DB, topic, queue })).toBe(3);
    expect(sent).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect((await rowsOf(topic)).results.every((r) => r.sent_at !== null)).toBe(true);
    expect(await drainOutbox({ db: env.DB, topic, queue })).toBe(0);
    expect(sent).toHaveLength(3);
  });

  it("a drain of 250 rows (more than D1's 100 bound parameters per statement) sends and marks every row once", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    const n = 250;
    await env.DB.batch(Array.from({ length: n }, (_, i) => outboxStatement(env.DB, { topic, body: { i } }, 1_000 + i)));
    const { queue, sent } = fakeQueue();
    expect(await drainOutbox({ db: env.DB, topic, queue, maxRounds: 10 })).toBe(n);
    expect(sent).toHaveLength(n);
    expect((await rowsOf(topic)).results.every((r) => r.sent_at !== null)).toBe(true);
    expect(await drainOutbox({ db: env.DB, topic, queue })).toBe(0);
    expect(sent).toHaveLength(n);
  });

  it("two concurrent drains send each row exactly once", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    await env.DB.batch(Array.from({ length: 250 }, (_, n) => outboxStatement(env.DB, { topic, body: { n } }, n)));
    const { queue, sent } = fakeQueue(5);
    const counts = await Promise.all([
      drainOutbox({ db: env.DB, topic, queue, limit: 20 }),
      drainOutbox({ db: env.DB, topic, queue, limit: 20 }),
      drainOutbox({ db: env.DB, topic, queue, limit: 20, maxRounds: 100 }),
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(250);
    const ns = sent.map((b) => (b as { n: number }).n);
    expect(ns).toHaveLength(250);
    expect(new Set(ns).size).toBe(250);
    expect((await rowsOf(topic)).results.filter((r) => r.sent_at === null)).toEqual([]);
  });

  it("a failed send releases the unsent rows for the next drain and rethrows", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    await env.DB.batch([1, 2, 3].map((n) => outboxStatement(env.DB, { topic, body: { n } }, n)));
    const failing = fakeQueue(0, 1);
    await expect(drainOutbox({ db: env.DB, topic, queue: failing.queue, limit: 2 })).rejects.toThrow("queue unavailable");
    expect(failing.sent).toEqual([{ n: 1 }, { n: 2 }]);
    const rows = (await rowsOf(topic)).results;
    expect(rows.map((r) => [r.sent_at !== null, r.claimed_by])).toEqual([
      [true, expect.any(String)],
      [true, expect.any(String)],
      [false, null],
    ]);
    const ok = fakeQueue();
    expect(await drainOutbox({ db: env.DB, topic, queue: ok.queue })).toBe(1);
    expect(ok.sent).toEqual([{ n: 3 }]);
  });

  it("an expired claim (a drain that died mid-send) is picked up again", async () => {
    const topic = `t-${crypto.randomUUID()}`;
    await env.DB.batch([outboxStatement(env.DB, { topic, body: { n: 1 } }, 1)]);
    await env.DB.prepare("UPDATE queue_outbox SET claimed_by = 'dead', claimed_until = ? WHERE topic = ?")
      .bind(Date.now() + 60_000, topic)
      .run();
    const { queue, sent } = fakeQueue();
    expect(await drainOutbox({ db: env.DB, topic, queue })).toBe(0);
    expect(await drainOutbox({ db: env.DB, topic, queue, now: () => Date.now() + 61_000 })).toBe(1);
    expect(sent).toEqual([{ n: 1 }]);
  });
});
