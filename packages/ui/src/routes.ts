// Serving a built page (see ./build.mjs) from a Worker: the page, its content-hashed script and stylesheet,
// the strict CSP and the caching every Edgeworks web page uses.
import { Hono } from "hono";

/** A built file: its body, Content-Type and strong ETag. */
export interface WebAsset {
  body: string;
  type: string;
  etag: string;
}

/**
 * A page may load only its own script and stylesheet and talk only to its own origin (fetch and its
 * WebSocket: CSP Level 3 `'self'` also covers ws:/wss: on the same host); nothing inline, no framing, no
 * plugins, no forms posted elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Sent with the page and its files. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** The page: revalidated on every load, since it names the current script and stylesheet. */
export const PAGE_CACHE_CONTROL = "no-cache";
/** The script and stylesheet: content-hashed names, so cached for a year. */
export const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/**
 * A built file with its ETag and the security headers. The app's conditional-GET middleware (packages/http)
 * answers 304 to a matching If-None-Match.
 */
export const serveAsset = (asset: WebAsset, cacheControl: string): Response =>
  new Response(asset.body, {
    headers: { "Content-Type": asset.type, ETag: asset.etag, "Cache-Control": cacheControl, ...SECURITY_HEADERS },
  });

/** What {@link pageRoutes} serves. */
export interface PageRoutesOptions {
  /** The URL prefix without slashes (`chat`): `/chat` redirects to `/chat/`, the page's home. */
  prefix: string;
  /** The built page (`PAGE` of the generated assets module). */
  page: WebAsset;
  /** The built script and stylesheet by file name (`ASSETS`); an unknown name falls through (404). */
  assets: Record<string, WebAsset>;
}

/**
 * The routes of a built web page: `GET /<prefix>` → 301 to `/<prefix>/`, `GET /<prefix>/` → the page
 * (`no-cache`), `GET /<prefix>/app.<hash>.(js|css)` → the file (cached for a year). Not API routes: mount
 * the router on the app itself, outside the OpenAPI document.
 *
 * @example app.route("/", pageRoutes({ prefix: "jobs", page: PAGE, assets: ASSETS }));
 */
export function pageRoutes({ prefix, page, assets }: PageRoutesOptions): Hono {
  const router = new Hono();
  router.get(`/${prefix}`, (c) => c.redirect(`/${prefix}/`, 301));
  router.get(`/${prefix}/`, () => serveAsset(page, PAGE_CACHE_CONTROL));
  router.get(`/${prefix}/:file{app\\.[A-Za-z0-9_-]+\\.(?:js|css)}`, (c, next) => {
    const asset = assets[c.req.param("file")];
    return asset ? serveAsset(asset, ASSET_CACHE_CONTROL) : next();
  });
  return router;
}
