import { log } from "@edgeworks/http";
import { isPermanent, type MailMessage, type MailProvider, MailSendError, mailProviderFromEnv } from "@edgeworks/mail";
import { eq } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { type DeliveryStatus, mailDeliveries } from "./schema";

/** What tests change: the fetch the HTTP provider uses, the clock. */
export interface DeliverOptions {
  fetch?: typeof fetch;
  now?: () => number;
}

/** Per consumer: the provider asked (429/503 Retry-After) not to be called before this time. */
export interface ProviderPause {
  until: number;
}

/** A secret is not in the generated `Env` (it is not in wrangler.toml); read it by name. */
const secretOf = (env: object, name: string): string | undefined => {
  const value = (env as Record<string, unknown>)[name];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** The provider to send through: MAIL_DEV_PROVIDER in dev mode (default capture), MAIL_PROVIDER otherwise. */
export function providerOf(env: Env, options: DeliverOptions = {}): MailProvider {
  const name = env.DEV_MODE === "true" ? env.MAIL_DEV_PROVIDER || "capture" : env.MAIL_PROVIDER;
  return mailProviderFromEnv({ ...env, MAIL_PROVIDER: name, MAIL_HTTP_API_KEY: secretOf(env, "MAIL_HTTP_API_KEY") }, options);
}

/** The send, abandoned when `signal` fires even if the provider ignores the signal (the binding does). */
function sendWithin(provider: MailProvider, message: MailMessage, timeoutMs: number): Promise<{ providerId?: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(new MailSendError(`the provider took longer than ${timeoutMs} ms`, false))),
  );
  return Promise.race([provider.send(message, signal), timedOut]);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

async function record(
  db: DrizzleD1Database,
  message: MailMessage,
  status: DeliveryStatus,
  fields: { provider: string; attempts: number; now: number; providerId?: string; error?: string },
): Promise<void> {
  const row = {
    status,
    provider: fields.provider,
    providerId: fields.providerId ?? null,
    attempts: fields.attempts,
    error: fields.error ?? null,
    updatedAt: fields.now,
  };
  await db
    .insert(mailDeliveries)
    .values({ id: message.id, kind: message.kind, toAddress: message.to, ...row })
    .onConflictDoUpdate({ target: mailDeliveries.id, set: row });
}

/**
 * Sends one email once. An email already `sent` (or refused: `failed`) is not sent again, whatever
 * the queue redelivers. A temporary failure (5xx, 429, timeout, a configuration not yet complete) is
 * recorded and thrown, so the consumer retries it with backoff; while the provider's Retry-After runs
 * no call is made. A refusal (other 4xx) is recorded as failed and parked on the DLQ, not retried.
 */
export async function deliverMail(
  env: Env,
  message: MailMessage,
  attempts: number,
  pause: ProviderPause,
  options: DeliverOptions = {},
): Promise<void> {
  const db = drizzle(env.DB);
  const now = options.now ?? Date.now;
  const earlier = await db.select({ status: mailDeliveries.status }).from(mailDeliveries).where(eq(mailDeliveries.id, message.id)).get();
  if (earlier?.status === "sent" || earlier?.status === "failed") return;
  const provider = providerOf(env, options);
  const fields = { provider: provider.name, attempts, now: now() };
  try {
    if (fields.now < pause.until) throw new MailSendError(`the provider asked to wait until ${new Date(pause.until).toISOString()}`, false);
    const sent = await sendWithin(provider, message, Number(env.MAIL_SEND_TIMEOUT_MS) || 10_000);
    // the email is out: a failed record must not make the queue send it again (logged instead)
    await record(db, message, "sent", { ...fields, now: now(), providerId: sent.providerId }).catch((err: unknown) =>
      log(env.LOG_LEVEL, "error", "mail sent but not recorded", { id: message.id, error: String(err) }),
    );
    log(env.LOG_LEVEL, "info", "mail sent", { id: message.id, kind: message.kind, provider: provider.name, providerId: sent.providerId });
  } catch (err) {
    const error = errorText(err);
    if (err instanceof MailSendError && err.retryAfterSeconds)
      pause.until = Math.max(pause.until, fields.now + err.retryAfterSeconds * 1000);
    if (!isPermanent(err)) {
      await record(db, message, "retrying", { ...fields, error }).catch(() => {});
      throw err;
    }
    // parked first: if the DLQ refuses, the throw retries the message rather than losing it
    await env.MAIL_DLQ.send({ consumer: "mail", reason: `refused by ${provider.name}: ${error}`, body: message }, { contentType: "json" });
    await record(db, message, "failed", { ...fields, error });
    log(env.LOG_LEVEL, "warn", "mail refused by the provider", { id: message.id, kind: message.kind, provider: provider.name, error });
  }
}
