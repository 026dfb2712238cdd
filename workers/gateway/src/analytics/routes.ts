import { createRouter, iso, notFound } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { loadSnapshot } from "../config";
import type { Snapshot } from "../contract";
import { serviceStatuses } from "../health/status";
import type { GatewayEnv } from "../product";
import type { WorkspaceRow } from "../schema";
import { requireWorkspace } from "../workspaces/access";
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./metrics";
import { analytics } from "./queries";
import { checkRange } from "./range";
import { getAnalyticsRoute, getMetricsRoute, getStatusRoute } from "./routes.openapi";
import { readTotals } from "./totals";

/** The workspace (any member) and its current snapshot. */
async function workspaceOf(c: Context<GatewayEnv>, slug: string): Promise<{ ws: WorkspaceRow; snapshot: Snapshot }> {
  const ws = await requireWorkspace(c, slug, "viewer");
  const snapshot = await loadSnapshot(c.env, c.executionCtx, { slug: ws.slug });
  // deleted between the two reads
  if (!snapshot) throw notFound("Workspace");
  return { ws, snapshot };
}

const nameOf = (snapshot: Snapshot, groupBy: string, key: string | null): string | null => {
  if (key === null) return null;
  if (groupBy === "route") return snapshot.routes.find((r) => r.id === key)?.name ?? null;
  if (groupBy === "consumer") return snapshot.consumers[key]?.username ?? null;
  return null;
};

/** Analytics, Prometheus metrics and the breaker/health status of a workspace (src/index.ts mounts it on gateway.v1). */
export const observabilityRouter = createRouter<GatewayEnv>()
  .openapi(getAnalyticsRoute, async (c) => {
    const { ws: slug } = c.req.valid("param");
    const query = c.req.valid("query");
    const range = checkRange(query, Date.now());
    const { ws, snapshot } = await workspaceOf(c, slug);
    const { totals, rows } = await analytics(drizzle(c.env.DB), ws.id, { ...range, groupBy: query.groupBy });
    return c.json(
      {
        from: iso(range.from),
        to: iso(range.to),
        groupBy: query.groupBy,
        totals,
        rows: rows.map((r) => ({ ...r, name: nameOf(snapshot, query.groupBy, r.key) })),
      },
      200,
    );
  })
  .openapi(getMetricsRoute, async (c) => {
    const { ws, snapshot } = await workspaceOf(c, c.req.valid("param").ws);
    const [totals, services] = await Promise.all([readTotals(drizzle(c.env.DB), ws.id), serviceStatuses(c.env, snapshot)]);
    return c.text(renderMetrics({ totals, snapshot, services }), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE });
  })
  .openapi(getStatusRoute, async (c) => {
    const { snapshot } = await workspaceOf(c, c.req.valid("param").ws);
    const services = await serviceStatuses(c.env, snapshot);
    return c.json(
      {
        version: snapshot.version,
        services: services.map((s) => ({
          ...s,
          targets: s.targets.map((t) => ({
            ...t,
            openedAt: iso(t.openedAt),
            halfOpenAt: iso(t.halfOpenAt),
            lastProbe: t.lastProbe && { ...t.lastProbe, at: new Date(t.lastProbe.at).toISOString() },
          })),
        })),
      },
      200,
    );
  });
