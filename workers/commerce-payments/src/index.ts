import { relayEvents, relayInBackground } from "@edgeworks/commerce-contracts";
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

/**
 * Every minute: the outbox relay's sweeper, the reconciliation of stale `processing` payments, then the relay of
 * what it wrote. A failing queue does not stop the reconciliation (the first relay only logs); the last relay
 * throws, so the run is reported failed and the next one sends the rows.
 */
export async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  await relayInBackground(env, env.DB);
  const deps = payDeps(env, { requestId: `cron:${Date.now()}` }, {});
  const afterSeconds = Number(env.RECONCILE_AFTER_SECONDS);
  try {
    await reconcile(deps, (Number.isFinite(afterSeconds) && afterSeconds > 0 ? afterSeconds : 300) * 1000);
  } finally {
    try {
      await relayEvents(env, env.DB);
    } finally {
      await deps.logger.flush();
    }
  }
}

const app = appOf();

export default {
  fetch: app.fetch,
  queue,
  scheduled,
} satisfies ExportedHandler<Env>;
