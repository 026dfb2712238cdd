import { createRouter, iso } from "@edgeworks/http";
import { depsOf, type ShopEnv } from "../product";
import { lowStockRoute, ordersByStateRoute, salesChartRoute, salesRoute, topProductsRoute } from "./dashboard.openapi";
import { lowStock, ordersByState, salesReport, topProducts } from "./dashboard.service";
import { resolveRange, toBuckets } from "./range";
import { renderSalesChart } from "./sales-chart";

/** Headers of the chart: an image in which nothing runs, whoever opens it. */
const SVG_HEADERS = {
  "Content-Type": "image/svg+xml; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "private, no-store",
};

/** /admin/dashboard/*: read-only figures for shop admins. */
export const dashboardRouter = createRouter<ShopEnv>()
  .openapi(salesRoute, async (c) => {
    const deps = depsOf(c);
    const q = c.req.valid("query");
    const range = toBuckets(resolveRange(q, deps.now()), q.interval);
    return c.json(await salesReport(deps.db, range, q.currency), 200);
  })
  .openapi(salesChartRoute, async (c) => {
    const deps = depsOf(c);
    const q = c.req.valid("query");
    const range = toBuckets(resolveRange(q, deps.now()), q.interval);
    const report = await salesReport(deps.db, range, q.currency);
    const series = report.series[0] ?? (await salesReport(deps.db, range, "USD")).series[0];
    if (!series) throw new Error("a sales report for one currency always has its series");
    return c.body(renderSalesChart(report, series), 200, SVG_HEADERS);
  })
  .openapi(topProductsRoute, async (c) => {
    const deps = depsOf(c);
    const { limit, by, currency, ...q } = c.req.valid("query");
    const range = resolveRange(q, deps.now());
    const items = await topProducts(deps.db, range, { limit, by, ...(currency ? { currency } : {}) });
    return c.json({ from: iso(range.from), to: iso(range.to), by, items }, 200);
  })
  .openapi(lowStockRoute, async (c) => {
    const { threshold, limit } = c.req.valid("query");
    return c.json({ threshold, items: await lowStock(depsOf(c).db, { threshold, limit }) }, 200);
  })
  .openapi(ordersByStateRoute, async (c) => c.json(await ordersByState(depsOf(c).db), 200));
