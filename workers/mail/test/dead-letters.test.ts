import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { mailConsumer } from "../src/send.queue";
import { deliver, deliveryOf, httpSetup, newEmail, recordingQueue } from "./helpers";

const deadLetter = (id: string) =>
  env.DB.prepare("SELECT mail_id, reason, body, redrive_requested_at, redriven_at FROM mail_dead_letters WHERE id = ?").bind(id).first<{
    mail_id: string | null;
    reason: string;
    body: string;
    redrive_requested_at: number | null;
    redriven_at: number | null;
  }>();

describe("the dead-letter queue", () => {
  it("records every dead letter once: an email that failed every retry, a refusal, an invalid body", async () => {
    const failed = newEmail();
    const refused = newEmail();
    const bodies = [
      failed,
      { consumer: "mail", reason: "refused by http: 422", body: refused },
      { consumer: "mail", messageId: "x", issues: ["to: bad"], body: { to: 1 } },
    ];
    const { ids, acked } = await deliver(worker.queue, bodies, { queue: "edgeworks-mail-dlq" });
    expect(acked).toEqual([0, 1, 2]);
    expect(await deadLetter(ids[0] ?? "")).toMatchObject({ mail_id: failed.id, reason: "failed every retry", redriven_at: null });
    expect(await deadLetter(ids[1] ?? "")).toMatchObject({ mail_id: refused.id, reason: "refused by http: 422" });
    expect(await deadLetter(ids[2] ?? "")).toMatchObject({ mail_id: null, reason: "invalid: to: bad", body: JSON.stringify(bodies[2]) });
    // the DLQ redelivers: still one row
    await deliver(worker.queue, [failed], { queue: "edgeworks-mail-dlq", ids: [ids[0] ?? ""] });
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM mail_dead_letters WHERE mail_id = ?")
      .bind(failed.id)
      .first<{ n: number }>()) ?? { n: 0 };
    expect(n).toBe(1);
  });

  it("redrives a refused email an operator asked for, and it is then really sent", async () => {
    const { fake, dlq, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const email = newEmail({ to: "later@example.com" });
    fake.answerFor("later@example.com", { status: 403 }); // e.g. the sender was not verified yet
    await deliver(consume, [email], { env: testEnv });
    expect(await deliveryOf(email.id)).toMatchObject({ status: "failed" });
    const [letterId] = (await deliver(worker.queue, dlq.sent, { queue: "edgeworks-mail-dlq" })).ids;

    // not requested: the cron leaves it
    const mailQueue = recordingQueue();
    const cronEnv = { ...env, MAIL_QUEUE: mailQueue.queue } as Env;
    await worker.scheduled(createScheduledController(), cronEnv);
    expect(mailQueue.sent).toEqual([]);

    // the operator's redrive (README: wrangler d1 execute … SET redrive_requested_at)
    await env.DB.prepare("UPDATE mail_dead_letters SET redrive_requested_at = ? WHERE id = ?").bind(Date.now(), letterId).run();
    await worker.scheduled(createScheduledController(), cronEnv);
    expect(mailQueue.sent).toEqual([email]);
    expect(await deadLetter(letterId ?? "")).toMatchObject({ redriven_at: expect.any(Number) });
    await worker.scheduled(createScheduledController(), cronEnv);
    expect(mailQueue.sent).toHaveLength(1);

    fake.answerFor("later@example.com", {}); // fixed
    expect(await deliver(consume, mailQueue.sent, { env: testEnv })).toMatchObject({ acked: [0], retried: [] });
    expect(fake.sent.map((s) => s.idempotencyKey)).toEqual([email.id]);
    expect(await deliveryOf(email.id)).toMatchObject({ status: "sent" });
  });
});
