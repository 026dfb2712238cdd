import { Hono } from "hono";
import { ASSETS, PAGE, type WebAsset } from "./dist/assets";

/**
 * The dashboard may load only its own script and stylesheet and talk only to its own origin (fetch and
 * the queue's live WebSocket: CSP Level 3 `'self'` also covers ws:/wss: on the same host); nothing
 * inline, no framing, no plugins, no forms posted elsewhere. The same policy as the chat page.
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

const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** A built file with its ETag; the app's conditional-GET middleware answers 304 to a matching If-None-Match. */
const serve = (asset: WebAsset, cacheControl: string) =>
  new Response(asset.body, {
    headers: { "Content-Type": asset.type, ETag: asset.etag, "Cache-Control": cacheControl, ...SECURITY_HEADERS },
  });

/**
 * The jobs dashboard at /jobs/ (built from workers/jobs/web by web/build.mjs). The page is revalidated on
 * every load (it names the current script); the script and stylesheet have content-hashed names and are
 * cached for a year. Not API routes: they are left out of the OpenAPI document, like the chat page.
 */
export const webRouter = new Hono();

webRouter.get("/jobs", (c) => c.redirect("/jobs/", 301));
webRouter.get("/jobs/", () => serve(PAGE, "no-cache"));
webRouter.get("/jobs/:file{app\\.[A-Za-z0-9_-]+\\.(?:js|css)}", (c, next) => {
  const asset = ASSETS[c.req.param("file")];
  return asset ? serve(asset, "public, max-age=31536000, immutable") : next();
});
