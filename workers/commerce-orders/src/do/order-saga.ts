import { DurableObject } from "cloudflare:workers";
import { relayEvents } from "@edgeworks/commerce-contracts";
import { timeoutOrder } from "../saga/timeout";

/**
 * One object per order (`idFromName(orderId)`): holds the order id and its payment-timeout alarm. When the
 * alarm fires, the order is timed out through the saga's machine (a no-op if it was paid or cancelled
 * meanwhile) and the outbox relayed. A lost alarm is caught by the cron sweeper.
 */
export class OrderSaga extends DurableObject<Env> {
  /** Sets (or moves) the alarm of `orderId` to `at` (epoch ms). */
  async schedule(orderId: string, at: number): Promise<void> {
    await this.ctx.storage.put("orderId", orderId);
    await this.ctx.storage.setAlarm(at);
  }

  /** When the alarm is due, or null. */
  async scheduledAt(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }

  override async alarm(): Promise<void> {
    const orderId = await this.ctx.storage.get<string>("orderId");
    if (!orderId) return;
    // a throw retries the alarm (the runtime's own backoff)
    await timeoutOrder(this.env, orderId, "alarm");
    await relayEvents(this.env, this.env.DB);
    await this.ctx.storage.deleteAll();
  }
}
