import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import type { MailMessage } from "@edgeworks/mail";
import { type FakeMailProvider, fakeMailProvider } from "@edgeworks/mail/testing";
import { vi } from "vitest";

/** A fresh email (unique id, so tests never see each other's deliveries). */
export function newEmail(overrides: Partial<MailMessage> = {}): MailMessage {
  const id = `test/${crypto.randomUUID()}`;
  return { id, to: "ada@example.com", subject: "Hello", text: "Hello, Ada.", html: "<p>Hello, Ada.</p>", kind: "test-mail", ...overrides };
}

/** A queue that records what it was sent (`send` and `sendBatch`). */
export function recordingQueue() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (messages: { body: unknown }[]) => void sent.push(...messages.map((m) => m.body)),
  } as unknown as Queue;
  return { queue, sent };
}

/** The production path: MAIL_PROVIDER=http against the fake provider, dev mode off, a recording DLQ. */
export function httpSetup(vars: Partial<Env> = {}) {
  const fake: FakeMailProvider = fakeMailProvider();
  const dlq = recordingQueue();
  const testEnv: Env = {
    ...env,
    DEV_MODE: "false",
    MAIL_PROVIDER: "http",
    MAIL_HTTP_URL: "https://mail.fake",
    MAIL_HTTP_API_KEY: "re_test",
    MAIL_DLQ: dlq.queue,
    ...vars,
  } as Env;
  return { fake, dlq, env: testEnv };
}

/** Delivers bodies to a consumer as one batch; returns the acks, the retries and each retry's delay. */
export async function deliver(
  consumer: (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) => Promise<void>,
  bodies: unknown[],
  options: { ids?: string[]; attempts?: number; env?: Env; queue?: string } = {},
) {
  const batch = createMessageBatch(
    options.queue ?? "edgeworks-mail",
    bodies.map((body, i) => ({
      id: options.ids?.[i] ?? `m${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: options.attempts ?? 1,
      body,
    })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await consumer(batch, options.env ?? env, ctx);
  const result = await getQueueResult(batch, ctx);
  const ids = batch.messages.map((m) => m.id);
  return {
    ids,
    acked: result.explicitAcks.map((id: string) => ids.indexOf(id)).sort(),
    retried: result.retryMessages.map((m: { msgId: string }) => ids.indexOf(m.msgId)).sort(),
    delays: retries.map((r) => r.mock.calls[0]?.[0]?.delaySeconds),
  };
}

/** The delivery row of an email. */
export const deliveryOf = (id: string) =>
  env.DB.prepare("SELECT status, provider, provider_id, attempts, error FROM mail_deliveries WHERE id = ?").bind(id).first<{
    status: string;
    provider: string;
    provider_id: string | null;
    attempts: number;
    error: string | null;
  }>();
