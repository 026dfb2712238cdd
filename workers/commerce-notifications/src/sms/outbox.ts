// The SMS outbox: an SMS is written (packages/queue's queue_outbox, topic "sms") in the same batch as its
// notification row, then sent by a drain after the batch and by the cron: one row at a time, each claimed with
// a lease (drainOutbox), so overlapping drains never send one twice and a crash mid-send retries it.
import { log } from "@edgeworks/http";
import { drainOutbox } from "@edgeworks/queue";
import { type SmsMessage, type SmsProvider, SmsSendError, smsProviderFromEnv } from "./provider";

export const SMS_TOPIC = "sms";

/** The outbox row of one SMS (id `sms:<sms id>`; the same SMS twice is one row). */
export function smsOutboxStatement(d1: D1Database, message: SmsMessage, now = Date.now()): D1PreparedStatement {
  return d1
    .prepare("INSERT INTO queue_outbox (id, topic, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(`${SMS_TOPIC}:${message.id}`, SMS_TOPIC, JSON.stringify(message), now);
}

/**
 * Sends the pending SMS through `provider` (default: SMS_PROVIDER's). A temporary failure stops the drain and
 * leaves the row for the next one (throws); a permanent one (an invalid number) is logged and marked done, so it
 * cannot block the rows behind it. Delivery is at least once: a drain that dies between the provider's answer and
 * the mark sends that one again after the lease (60 s).
 */
export async function drainSms(env: Env, provider: SmsProvider = smsProviderFromEnv(env), maxRounds = 25): Promise<number> {
  const port = {
    async sendBatch(messages: { body: unknown }[]) {
      for (const { body } of messages) {
        const sms = body as SmsMessage;
        try {
          const receipt = await provider.send(sms);
          log(env.LOG_LEVEL, "info", "sms sent", { provider: provider.name, smsId: sms.id, providerId: receipt.providerId });
        } catch (err) {
          if (err instanceof SmsSendError && err.permanent) {
            log(env.LOG_LEVEL, "error", "sms refused for good; not retried", {
              provider: provider.name,
              smsId: sms.id,
              error: err.message,
            });
            continue;
          }
          throw err;
        }
      }
    },
  };
  return drainOutbox({ db: env.DB, topic: SMS_TOPIC, queue: port as unknown as Queue, limit: 1, maxRounds });
}
