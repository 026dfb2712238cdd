import { consumeClicks } from "./analytics/consume-clicks";
import { shortLinkHostOf } from "./deps";
import { links } from "./product";
import { documentRedirect } from "./redirect/redirect.openapi";
import { serveRedirect, shortHostMiss } from "./redirect/serve-redirect";
import { analyticsRouter } from "./routes/analytics";
import { createRouterForLinks, linksRouter } from "./routes/links";
import { isReservedSlug } from "./slug";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ClickCap } from "./do/click-cap";

// create serves anonymous callers, so it is on the open router, which answers before the guard
links.open.route("/", createRouterForLinks);
links.v1.route("/", linksRouter);
links.v1.route("/", analyticsRouter);
// after the API's paths, so the OpenAPI document lists them in the same order as before
documentRedirect(links.build());

/** `/{slug}` as the front door forwards it: one segment of slug characters that is not a reserved word. */
const SLUG_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/([A-Za-z0-9_-]{1,64})(?:[?#]|$)/i;

/** The slug of a GET/HEAD/POST of `/{slug}` (the redirect's lean path), or null: the API answers. */
function redirectSlug(request: Request): string | null {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD" && method !== "POST") return null;
  const slug = SLUG_URL.exec(request.url)?.[1];
  return slug !== undefined && !isReservedSlug(slug) ? slug : null;
}

/** True when the request came to `SHORT_LINK_HOST` (a custom domain routed to this Worker directly). */
function onShortLinkHost(request: Request, env: Env): boolean {
  const shortHost = shortLinkHostOf(env);
  if (shortHost === null) return false;
  let host = new URL(request.url).hostname;
  while (host.endsWith(".")) host = host.slice(0, -1);
  return host === shortHost;
}

export default links.worker({
  // the redirect's lean path answers before the app and its middleware; on the short-link host
  // nothing else answers at all
  fetch(request, env, ctx) {
    const slug = redirectSlug(request);
    if (slug !== null) return serveRedirect(request, env, ctx, slug);
    return onShortLinkHost(request, env) ? shortHostMiss(request, env, ctx) : null;
  },
  queue: consumeClicks,
});
