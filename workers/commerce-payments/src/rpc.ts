// PaymentsRpc: the Workers RPC entrypoint other commerce services bind to (`entrypoint = "PaymentsRpc"`),
// implementing the contract's PaymentsApi; its `fetch` runs the same Hono app as the default export.
import { WorkerEntrypoint } from "cloudflare:workers";
import { opsRpc, type PaymentsApi, paymentsRpc, relayInBackground, serve } from "@edgeworks/commerce-contracts";
import { iso } from "@edgeworks/http";
import { listDeadLetters, redriveDeadLetters } from "@edgeworks/queue";
import { drizzle } from "drizzle-orm/d1";
import { payDeps } from "./deps";
import { EVENTS_QUEUE_NAME } from "./events.queue";
import { ledger, paymentOfOrder } from "./payments.queries";
import { charge } from "./payments.service";
import { commercePayments } from "./product";

/** The Hono app, built once per isolate after every route is mounted (src/index.ts imports this module last). */
let built: ReturnType<typeof commercePayments.build> | undefined;
export const appOf = () => {
  built ??= commercePayments.build();
  return built;
};

export class PaymentsRpc extends WorkerEntrypoint<Env> implements PaymentsApi {
  override fetch(request: Request): Response | Promise<Response> {
    return appOf().fetch(request, this.env, this.ctx);
  }

  /** Charges an order once (idempotent by order id); the outcome also arrives as payment.succeeded / payment.failed. */
  charge(ctx: unknown, input: unknown) {
    return serve(paymentsRpc.charge, ctx, input, async (i, c) => {
      const deps = payDeps(this.env, { requestId: c.requestId, correlationId: i.orderId }, { requestId: c.requestId }, (w) =>
        this.ctx.waitUntil(w),
      );
      deps.logger.info("charge requested", { amount: i.amount, currency: i.currency });
      try {
        const row = await charge(deps, i);
        deps.logger.info("charge answered", { paymentId: row.id, status: row.status });
        this.ctx.waitUntil(relayInBackground(this.env, this.env.DB));
        return { paymentId: row.id, status: row.status };
      } finally {
        await deps.logger.flush();
      }
    });
  }

  /** The payment of an order (`userId` null: any owner); another user's is null. */
  getPayment(ctx: unknown, input: unknown) {
    return serve(paymentsRpc.getPayment, ctx, input, (i) => paymentOfOrder(drizzle(this.env.DB), i.orderId, i.userId));
  }

  /** Every payment, oldest first, with its net (captured − refunded). */
  ledger(ctx: unknown, input: unknown) {
    return serve(paymentsRpc.ledger, ctx, input, (i) => ledger(drizzle(this.env.DB), i));
  }

  /** The dead letters of payments' event queue, newest first. */
  deadLetters(ctx: unknown, input: unknown) {
    return serve(opsRpc.deadLetters, ctx, input, async (i) => {
      const page = await listDeadLetters(this.env.DB, {
        queue: EVENTS_QUEUE_NAME,
        ...(i.limit ? { limit: i.limit } : {}),
        ...(i.cursor ? { cursor: i.cursor } : {}),
      });
      return {
        queue: EVENTS_QUEUE_NAME,
        items: page.items.map((d) => ({
          id: d.id,
          queue: d.queue,
          body: d.body,
          reason: d.reason,
          attempts: d.attempts,
          receivedAt: iso(d.receivedAt),
          redrivenAt: d.redrivenAt === null ? null : iso(d.redrivenAt),
        })),
        nextCursor: page.nextCursor,
      };
    });
  }

  /** Sends dead letters (all, or `ids`) back to payments' event queue. */
  redrive(ctx: unknown, input: unknown) {
    return serve(opsRpc.redrive, ctx, input, async (i, c) => {
      const result = await redriveDeadLetters(this.env.DB, {
        queue: EVENTS_QUEUE_NAME,
        ...(i.ids ? { ids: i.ids } : {}),
        send: async (bodies) => {
          await this.env.EVENTS_QUEUE.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
        },
      });
      const logger = payDeps(this.env, { requestId: c.requestId }, {}).logger;
      logger.info("dead letters redriven", { count: result.redriven });
      await logger.flush();
      return { queue: EVENTS_QUEUE_NAME, ...result };
    });
  }
}
