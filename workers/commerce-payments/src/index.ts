import { relayEvents } from "@edgeworks/commerce-contracts";
import { payDeps } from "./deps";
import { queue } from "./events.queue";
import { reconcile } from "./payments.service";
import { commercePayments } from "./product";
import { paymentsRouter } from "./routes/payments";
import { stripeWebhookRouter } from "./routes/webhook";
import { appOf } from "./rpc";

export { RateLimiter } from "@edgeworks/ratelimit";
export { PaymentsRpc } from "./rpc";

commercePayments.open.route("/", stripeWebhookRouter);
commercePayments.v1.route("/", paymentsRouter);

/** Every minute: the outbox relay's sweeper, then the reconciliation of stale `processing` payments. */
export async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  await relayEvents(env, env.DB);
  const deps = payDeps(env, { requestId: `cron:${Date.now()}` }, {});
  const afterSeconds = Number(env.RECONCILE_AFTER_SECONDS);
  await reconcile(deps, (Number.isFinite(afterSeconds) && afterSeconds > 0 ? afterSeconds : 300) * 1000);
  await relayEvents(env, env.DB);
  await deps.logger.flush();
}

const app = appOf();

export default {
  fetch: app.fetch,
  queue,
  scheduled,
} satisfies ExportedHandler<Env>;
