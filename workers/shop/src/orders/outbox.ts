// Draining the shop's outbox: shop events (topic "shop-events") to EVENTS_QUEUE, emails (topic "mail")
// to MAIL_QUEUE (the mail service sends them). Called after a change (waitUntil) and by the cron.
import { log } from "@edgeworks/http";
import { drainMail } from "@edgeworks/mail";
import { drainOutbox } from "@edgeworks/queue";
import { EVENTS_TOPIC } from "./service";

/** Sends pending shop events and emails; returns how many of each went. Throws when a queue refuses (rows stay). */
export async function drainShopOutbox(env: Env): Promise<{ events: number; mail: number }> {
  const events = await drainOutbox({ db: env.DB, topic: EVENTS_TOPIC, queue: env.EVENTS_QUEUE });
  const mail = await drainMail(env);
  return { events, mail };
}

/** {@link drainShopOutbox} after the response; a failure is logged (the cron drains again every minute). */
export function drainShopOutboxLater(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): void {
  ctx.waitUntil(
    drainShopOutbox(env).catch((err: unknown) => log(env.LOG_LEVEL, "error", "shop outbox drain failed", { error: String(err) })),
  );
}
