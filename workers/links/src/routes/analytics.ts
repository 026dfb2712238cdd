import { createRouter } from "@edgeworks/http";
import { getLinkRowOrThrow } from "../links.service";
import { type LinksEnv, ownerDepsOf } from "../product";
import { qrPng, qrSvg } from "../qr/qr-code";
import { getLinkStats, resolveRange } from "../stats/stats.service";
import { renderStatsChart } from "../stats/stats-chart";
import { qrRoute, statsChartRoute, statsRoute } from "./analytics.openapi";

/** Headers of generated images: no scripts run in them, whoever opens them. */
const IMAGE_HEADERS = { "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" };

/** Statistics, the chart and the QR code of one of the caller's links. */
export const analyticsRouter = createRouter<LinksEnv>()
  .openapi(statsRoute, async (c) => {
    const deps = ownerDepsOf(c);
    const link = await getLinkRowOrThrow(deps, c.req.valid("param").id);
    return c.json(await getLinkStats(deps.db, link.id, resolveRange(c.req.valid("query"), deps.now())), 200);
  })
  .openapi(statsChartRoute, async (c) => {
    const deps = ownerDepsOf(c);
    const link = await getLinkRowOrThrow(deps, c.req.valid("param").id);
    const stats = await getLinkStats(deps.db, link.id, resolveRange(c.req.valid("query"), deps.now()));
    return c.body(renderStatsChart(stats, `/${link.slug}`), 200, {
      ...IMAGE_HEADERS,
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Cache-Control": "private, max-age=0",
    });
  })
  .openapi(qrRoute, async (c) => {
    const deps = ownerDepsOf(c);
    const link = await getLinkRowOrThrow(deps, c.req.valid("param").id);
    const { format, size } = c.req.valid("query");
    const shortUrl = `${deps.origin}/${link.slug}`;
    const headers = { ...IMAGE_HEADERS, "Cache-Control": "private, max-age=300" };
    if (format === "svg") return c.body(qrSvg(shortUrl, size), 200, { ...headers, "Content-Type": "image/svg+xml; charset=utf-8" });
    const png = await qrPng(shortUrl, size);
    return c.body(png.buffer as ArrayBuffer, 200, { ...headers, "Content-Type": "image/png" });
  });
