import { WorkerEntrypoint } from "cloudflare:workers";
import { type NotificationsApi, opsRpc, type RpcContext, serve, serviceLogger } from "@edgeworks/commerce-contracts";
import { drainAll, queue } from "./events.queue";
import { deadLettersOf, redrive } from "./ops";
import { commerceNotifications } from "./product";
import { devSmsRouter } from "./routes/dev";
import { notificationsRouter } from "./routes/notifications";

export { RateLimiter } from "@edgeworks/ratelimit";

commerceNotifications.open.route("/", devSmsRouter);
commerceNotifications.v1.route("/", notificationsRouter);

/** The HTTP app (also served by NotificationsRpc.fetch, so one binding serves RPC and the proxied routes). */
export const app = commerceNotifications.build();

/**
 * The RPC entrypoint the gateway binds (`entrypoint = "NotificationsRpc"`): the operators' dead letters, and
 * `fetch` running the same app as the default export.
 */
export class NotificationsRpc extends WorkerEntrypoint<Env> implements NotificationsApi {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  async deadLetters(ctx: RpcContext, input: Parameters<NotificationsApi["deadLetters"]>[1]) {
    return serve(opsRpc.deadLetters, ctx, input, async (i, c) => {
      const logger = serviceLogger(this.env, "notifications", { requestId: c.requestId, correlationId: c.correlationId ?? null });
      const page = await deadLettersOf(this.env, i);
      logger.info("dead letters listed", { count: page.items.length });
      await logger.flush();
      return page;
    });
  }

  async redrive(ctx: RpcContext, input: Parameters<NotificationsApi["redrive"]>[1]) {
    return serve(opsRpc.redrive, ctx, input, async (i, c) => {
      const logger = serviceLogger(this.env, "notifications", { requestId: c.requestId, correlationId: c.correlationId ?? null });
      const result = await redrive(this.env, i);
      logger.info("dead letters redriven", { redriven: result.redriven, ids: result.ids });
      await logger.flush();
      return result;
    });
  }
}

export default commerceNotifications.worker({
  queue,
  /** Every minute: the events, emails and SMS a drain after a batch missed. */
  async scheduled(_controller: ScheduledController, env: Env) {
    await drainAll(env);
  },
});
