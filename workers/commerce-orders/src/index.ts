import { WorkerEntrypoint } from "cloudflare:workers";
import { type DeadLetterView, opsRpc, ordersRpc, serve } from "@edgeworks/commerce-contracts";
import { iso } from "@edgeworks/http";
import { listDeadLetters, redriveDeadLetters } from "@edgeworks/queue";
import { EVENTS_QUEUE_NAME, queue } from "./events.queue";
import { getOrder, ledger, paymentTimeoutMs } from "./orders.service";
import { commerceOrders } from "./product";
import { ordersRouter } from "./routes/orders";
import { sweep } from "./saga/timeout";

export { RateLimiter } from "@edgeworks/ratelimit";
export { OrderSaga } from "./do/order-saga";

commerceOrders.v1.route("/", ordersRouter);

/** Every minute: the outbox relay, orders whose timeout alarm was lost, charges whose call failed. */
async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  await sweep(env, paymentTimeoutMs(env));
}

const worker = commerceOrders.worker({ queue, scheduled });
export default worker;

/**
 * The orders service over RPC (`[[services]] entrypoint = "OrdersRpc"`): the contracts' OrdersApi, plus
 * `fetch` running the same Hono app, so one binding serves both RPC and the proxied HTTP.
 */
export class OrdersRpc extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return worker.fetch(request, this.env, this.ctx);
  }

  getOrder(ctx: unknown, input: unknown) {
    return serve(ordersRpc.getOrder, ctx, input, async (i) => {
      try {
        return await getOrder({ env: this.env, userId: i.userId ?? "", admin: i.userId === null }, i.orderId);
      } catch {
        return null;
      }
    });
  }

  ledger(ctx: unknown, input: unknown) {
    return serve(ordersRpc.ledger, ctx, input, (i) => ledger(this.env.DB, i));
  }

  deadLetters(ctx: unknown, input: unknown) {
    return serve(opsRpc.deadLetters, ctx, input, async (i) => {
      const page = await listDeadLetters(this.env.DB, { queue: EVENTS_QUEUE_NAME, limit: i.limit, cursor: i.cursor ?? undefined });
      const items: DeadLetterView[] = page.items.map((d) => ({
        id: d.id,
        queue: d.queue,
        body: d.body,
        reason: d.reason,
        attempts: d.attempts,
        receivedAt: iso(d.receivedAt),
        redrivenAt: iso(d.redrivenAt),
      }));
      return { queue: EVENTS_QUEUE_NAME, items, nextCursor: page.nextCursor };
    });
  }

  redrive(ctx: unknown, input: unknown) {
    return serve(opsRpc.redrive, ctx, input, async (i) => {
      const result = await redriveDeadLetters(this.env.DB, {
        queue: EVENTS_QUEUE_NAME,
        ...(i.ids ? { ids: i.ids } : {}),
        send: async (bodies) => {
          await this.env.EVENTS_QUEUE.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
        },
      });
      return { queue: EVENTS_QUEUE_NAME, ...result };
    });
  }
}
