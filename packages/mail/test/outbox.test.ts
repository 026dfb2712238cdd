import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { drainMail, type MailMessage, mailOutboxInsert, mailOutboxStatement } from "../src";

/** A Queue that records what it was sent. */
function fakeQueue() {
  const sent: unknown[] = [];
  const queue = {
    async sendBatch(messages: { body: unknown }[]) {
      sent.push(...messages.map((m) => m.body));
    },
  } as unknown as Queue;
  return { queue, sent };
}

const email = (id: string, to = "ada@example.com"): MailMessage => ({
  id: `${id}-${crypto.randomUUID()}`,
  to,
  subject: `Subject ${id}`,
  text: `text ${id}`,
  html: `<p>html ${id}</p>`,
  kind: "test-mail",
});

const pending = async () =>
  (await env.DB.prepare("SELECT id FROM queue_outbox WHERE topic = 'mail' AND sent_at IS NULL").all<{ id: string }>()).results.map(
    (r) => r.id,
  );

describe("the mail outbox", () => {
  it("drainMail sends exactly the committed rows: a failed batch leaves none, a committed one is sent once", async () => {
    const db = drizzle(env.DB);
    await drainMail({ DB: env.DB, MAIL_QUEUE: fakeQueue().queue }); // earlier tests' rows
    const committed = email("committed");
    const rolledBack = email("rolled-back");
    await db.batch([db.run(sql`SELECT 1`), mailOutboxInsert(db, committed)]);
    await expect(db.batch([mailOutboxInsert(db, rolledBack), db.run(sql`INSERT INTO nowhere VALUES (1)`)])).rejects.toThrow();
    const raw = email("raw");
    await env.DB.batch([mailOutboxStatement(env.DB, raw)]);
    await expect(
      env.DB.batch([mailOutboxStatement(env.DB, email("raw-rolled-back")), env.DB.prepare("INSERT INTO nowhere VALUES (1)")]),
    ).rejects.toThrow();

    const { queue, sent } = fakeQueue();
    expect(await drainMail({ DB: env.DB, MAIL_QUEUE: queue })).toBe(2);
    expect(sent).toEqual([committed, raw]);
    expect(await drainMail({ DB: env.DB, MAIL_QUEUE: queue })).toBe(0);
    expect(sent).toHaveLength(2);
    expect(await pending()).toEqual([]);
  });

  it("the same email id written twice is one row and one queue message", async () => {
    const db = drizzle(env.DB);
    const message = email("twice");
    await db.batch([mailOutboxInsert(db, message)]);
    await db.batch([mailOutboxInsert(db, { ...message, subject: "a retry wrote it again" })]);
    await env.DB.batch([mailOutboxStatement(env.DB, message)]);
    const { queue, sent } = fakeQueue();
    expect(await drainMail({ DB: env.DB, MAIL_QUEUE: queue })).toBe(1);
    expect(sent).toEqual([message]);
  });

  it("refuses an invalid email at the producer, before anything is written", async () => {
    const db = drizzle(env.DB);
    const bad = [
      { ...email("bad"), to: "not an address" },
      { ...email("bad"), subject: "a\r\nBcc: x@example.com" },
    ];
    expect(() => mailOutboxInsert(db, bad[0] as MailMessage)).toThrow();
    expect(() => mailOutboxStatement(env.DB, bad[1] as MailMessage)).toThrow();
    const ids = bad.map((m) => `mail:${m.id}`);
    expect((await pending()).filter((id) => ids.includes(id))).toEqual([]);
  });

  it("a queue that refuses leaves the rows for the next drain", async () => {
    const db = drizzle(env.DB);
    const message = email("later");
    await db.batch([mailOutboxInsert(db, message)]);
    const down = { sendBatch: async () => Promise.reject(new Error("queue down")) } as unknown as Queue;
    await expect(drainMail({ DB: env.DB, MAIL_QUEUE: down })).rejects.toThrow("queue down");
    const { queue, sent } = fakeQueue();
    expect(await drainMail({ DB: env.DB, MAIL_QUEUE: queue })).toBe(1);
    expect(sent).toEqual([message]);
  });
});
