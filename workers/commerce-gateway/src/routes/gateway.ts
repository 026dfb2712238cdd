import { hasRole } from "@edgeworks/auth";
import { createRouter } from "@edgeworks/http";
import { listDeadLetters, reconcile, redriveDeadLetters } from "../admin.service";
import { checkHealth } from "../health.service";
import { queryLogs } from "../logs/query";
import type { GatewayEnv } from "../product";
import { orderSummary } from "../summary.service";
import { healthRoute, listDlqRoute, logsRoute, reconcileRoute, redriveDlqRoute, registryRoute, summaryRoute } from "./gateway.openapi";

const timeoutOf = (env: Env) => {
  const n = Number(env.HEALTH_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : 2000;
};

export const gatewayRouter = createRouter<GatewayEnv>()
  .openapi(healthRoute, async (c) => {
    const health = await checkHealth(c.env, c.var.gateway.registry.entries, { requestId: c.var.requestId, timeoutMs: timeoutOf(c.env) });
    return health.status === "ok" ? c.json(health, 200) : c.json(health, 503);
  })
  .openapi(summaryRoute, async (c) => {
    const { orderId } = c.req.valid("param");
    const auth = c.var.auth;
    const summary = await orderSummary(c.env, c.var.gateway.registry.entries, {
      orderId,
      userId: hasRole(auth, "commerce:admin") ? null : auth.userId,
      ctx: { requestId: c.var.requestId, correlationId: orderId },
    });
    for (const w of summary.warnings) c.var.gateway.logger.warn("summary is partial", { ...w });
    return c.json(summary, 200);
  })
  .openapi(listDlqRoute, async (c) => {
    const { queue } = c.req.valid("param");
    const q = c.req.valid("query");
    const page = await listDeadLetters(c.env, c.var.gateway.registry.entries, queue, { requestId: c.var.requestId }, q);
    return c.json(page, 200);
  })
  .openapi(redriveDlqRoute, async (c) => {
    const { queue } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const result = await redriveDeadLetters(c.env, c.var.gateway.registry.entries, queue, { requestId: c.var.requestId }, body);
    c.var.gateway.logger.info("dead letters redriven", { queue, redriven: result.redriven, by: c.var.auth.userId });
    return c.json(result, 200);
  })
  .openapi(logsRoute, async (c) => c.json(await queryLogs(c.env.DB, c.req.valid("query")), 200))
  .openapi(reconcileRoute, async (c) => c.json(await reconcile(c.env, c.var.gateway.registry.entries, { requestId: c.var.requestId }), 200))
  .openapi(registryRoute, (c) => {
    const { source, entries } = c.var.gateway.registry;
    return c.json({ source, services: entries }, 200);
  });
