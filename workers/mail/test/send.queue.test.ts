import { env } from "cloudflare:test";
import { backoffCeiling } from "@edgeworks/queue";
import { describe, expect, it } from "vitest";
import { mailConsumer } from "../src/send.queue";
import { deliver, deliveryOf, httpSetup, newEmail } from "./helpers";

describe("sending through the HTTP provider (the fake, at the HTTP boundary)", () => {
  it("sends an email once even when it is delivered twice: redelivered, sent twice, twice in one batch", async () => {
    const { fake, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const email = newEmail();
    const first = await deliver(consume, [email, email], { env: testEnv, ids: ["q1", "q2"] });
    expect(first.acked).toEqual([0, 1]);
    await deliver(consume, [email], { env: testEnv, ids: ["q1"], attempts: 2 }); // the queue redelivers
    await deliver(consume, [email], { env: testEnv }); // a second drain of the same outbox row
    expect(fake.sent.map((s) => s.idempotencyKey)).toEqual([email.id]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.sent[0]?.body).toMatchObject({
      from: "Edgeworks <no-reply@edgeworks.test>",
      to: [email.to],
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
    expect(await deliveryOf(email.id)).toEqual({
      status: "sent",
      provider: "http",
      provider_id: expect.any(String),
      attempts: 1,
      error: null,
    });
  });

  it("does not send again when the processed record was lost but the email is recorded as sent", async () => {
    const { fake, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const email = newEmail();
    await deliver(consume, [email], { env: testEnv });
    await env.DB.prepare("DELETE FROM processed_messages WHERE consumer = 'mail' AND message_key = ?").bind(email.id).run();
    expect((await deliver(consume, [email], { env: testEnv })).acked).toEqual([0]);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a 500 with exponential backoff, then sends it", async () => {
    const { fake, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const email = newEmail();
    fake.script({ status: 500 }, { status: 502 });
    const first = await deliver(consume, [email], { env: testEnv, attempts: 1 });
    expect(first).toMatchObject({ acked: [], retried: [0] });
    expect(first.delays[0]).toBeGreaterThanOrEqual(0);
    expect(first.delays[0]).toBeLessThanOrEqual(backoffCeiling(1, { baseSeconds: 5, maxSeconds: 600 })); // 10 s
    expect(await deliveryOf(email.id)).toMatchObject({ status: "retrying", attempts: 1, error: expect.stringContaining("500") });
    const second = await deliver(consume, [email], { env: testEnv, attempts: 4 });
    expect(second).toMatchObject({ acked: [], retried: [0] });
    expect(second.delays[0]).toBeLessThanOrEqual(backoffCeiling(4, { baseSeconds: 5, maxSeconds: 600 })); // 80 s
    expect((await deliver(consume, [email], { env: testEnv, attempts: 5 })).acked).toEqual([0]);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 502, 200]);
    expect(fake.sent).toHaveLength(1);
    expect(await deliveryOf(email.id)).toMatchObject({ status: "sent", attempts: 5, error: null });
  });

  it("after a 429 with Retry-After, calls the provider for nothing else until then", async () => {
    const { fake, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    fake.script({ status: 429, retryAfter: "30" });
    const result = await deliver(consume, [newEmail(), newEmail(), newEmail()], { env: testEnv });
    expect(result).toMatchObject({ acked: [], retried: [0, 1, 2] });
    expect(fake.requests).toEqual([{ to: "ada@example.com", status: 429 }]);
  });

  it("a permanent 4xx is recorded as failed and parked on the DLQ, never retried or sent again", async () => {
    const { fake, dlq, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const email = newEmail({ to: "bounce@example.com" });
    fake.answerFor("bounce@example.com", { status: 422 });
    expect(await deliver(consume, [email], { env: testEnv })).toMatchObject({ acked: [0], retried: [] });
    expect(dlq.sent).toEqual([
      { consumer: "mail", reason: expect.stringMatching(/^refused by http: mail provider answered 422/), body: email },
    ]);
    expect(await deliveryOf(email.id)).toMatchObject({ status: "failed", error: expect.stringContaining("422") });
    await deliver(consume, [email], { env: testEnv, attempts: 2 });
    expect(fake.requests).toHaveLength(1);
  });

  it("a slow provider does not hold the other emails beyond the timeout", async () => {
    const { fake, env: testEnv } = httpSetup({ MAIL_SEND_TIMEOUT_MS: "200" });
    const consume = mailConsumer({ fetch: fake.fetch });
    fake.answerFor("slow@example.com", { delayMs: 10_000 });
    const started = Date.now();
    const result = await deliver(consume, [newEmail({ to: "slow@example.com" }), newEmail(), newEmail({ to: "bob@example.com" })], {
      env: testEnv,
    });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ acked: [1, 2], retried: [0] });
    expect(fake.sent.map((s) => s.body.to[0])).toEqual(["ada@example.com", "bob@example.com"]);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("parks an invalid body on the DLQ with the reason, and retries nothing", async () => {
    const { fake, dlq, env: testEnv } = httpSetup();
    const consume = mailConsumer({ fetch: fake.fetch });
    const result = await deliver(consume, [{ ...newEmail(), to: "Ada <ada@example.com>\r\nBcc: x@example.com" }, "text"], { env: testEnv });
    expect(result).toMatchObject({ acked: [0, 1], retried: [] });
    expect(dlq.sent).toEqual([
      expect.objectContaining({ consumer: "mail", issues: [expect.stringMatching(/^to: /)] }),
      expect.objectContaining({ consumer: "mail", issues: [expect.stringMatching(/^\(body\): /)] }),
    ]);
    expect(fake.requests).toEqual([]);
  });

  it("retries (never drops) while the configuration is incomplete", async () => {
    const { fake, env: testEnv } = httpSetup({ MAIL_FROM: "" });
    const consume = mailConsumer({ fetch: fake.fetch });
    expect(await deliver(consume, [newEmail()], { env: testEnv })).toMatchObject({ acked: [], retried: [0] });
    expect(fake.requests).toEqual([]);
  });
});

describe("sending through Cloudflare's send_email binding (the local binding of wrangler.toml)", () => {
  it("sends text and HTML through the binding and records its message id", async () => {
    const consume = mailConsumer();
    const email = newEmail({ replyTo: "help@edgeworks.test" });
    const testEnv = { ...env, DEV_MODE: "false", MAIL_PROVIDER: "cloudflare" } as Env;
    expect(await deliver(consume, [email], { env: testEnv })).toMatchObject({ acked: [0], retried: [] });
    expect(await deliveryOf(email.id)).toEqual({
      status: "sent",
      provider: "cloudflare",
      provider_id: expect.stringContaining("@"),
      attempts: 1,
      error: null,
    });
  });
});
