import { createApp, createRouter, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { consumeClicks } from "./analytics/consume-clicks";
import { authenticateCaller, limitWrites, requireLinksScope } from "./auth";
import type { LinksEnv } from "./env";
import { documentRedirect } from "./redirect/redirect.openapi";
import { serveRedirect } from "./redirect/serve-redirect";
import { analyticsRouter } from "./routes/analytics";
import { createRouterForLinks, linksRouter } from "./routes/links";
import { isReservedSlug } from "./slug";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ClickCap } from "./do/click-cap";

const healthRoute = createRoute({
  method: "get",
  path: "/links/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

// The owner's API: one guarded router, so authentication runs once per request.
const v1 = createRouter<LinksEnv>();
v1.use(authenticateCaller, requireLinksScope, limitWrites);
v1.route("/", linksRouter);
v1.route("/", analyticsRouter);

const app = createApp<LinksEnv>();
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
// create first: it serves anonymous callers, so it must answer before the guarded router's middleware
app.route("/links/v1", createRouterForLinks as never);
app.route("/links/v1", v1);
documentRedirect(app);
mountDocs(app, {
  prefix: "/links",
  title: "URL shortener",
  version: "1.0.0",
  description:
    "Short links at the edge: `GET /{slug}` redirects from a KV cache (no database round trip), with expiry, exact " +
    "click caps, passwords, device/country/language rules and UTM pass-through. Clicks are counted through a Queue " +
    "into per-hour aggregates (humans and bots apart) within seconds. The API under `/links/v1` needs a Bearer access " +
    "token (or an `ewk_` API key) with `links:read` / `links:write`, except creating a link, which anonymous callers " +
    "may do at a strict per-IP rate. Errors are `application/problem+json` (RFC 9457).",
});

/** `/{slug}` as the front door forwards it: one segment of slug characters that is not a reserved word. */
const SLUG_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/([A-Za-z0-9_-]{1,64})(?:[?#]|$)/i;

/** The slug of a GET/HEAD/POST of `/{slug}` (the redirect's lean path), or null: the API answers. */
function redirectSlug(request: Request): string | null {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD" && method !== "POST") return null;
  const slug = SLUG_URL.exec(request.url)?.[1];
  return slug !== undefined && !isReservedSlug(slug) ? slug : null;
}

export default {
  fetch(request, env, ctx) {
    const slug = redirectSlug(request);
    return slug !== null ? serveRedirect(request, env, ctx, slug) : app.fetch(request, env, ctx);
  },
  queue: consumeClicks,
} satisfies ExportedHandler<Env>;
