import { pageRoutes } from "@edgeworks/ui/routes";
import { ASSETS, PAGE } from "./dist/assets";

export { CONTENT_SECURITY_POLICY } from "@edgeworks/ui/routes";

/**
 * The gateway dashboard at /gateway/ (built from workers/gateway/web by web/build.mjs), served by
 * @edgeworks/ui's pageRoutes like the jobs dashboard: the strict CSP, the page revalidated on every load,
 * the content-hashed script and stylesheet cached for a year, ETags for 304s. Not API routes: left out of
 * the OpenAPI document.
 *
 * @example gateway.app.route("/", webRouter); // src/index.ts
 */
export const webRouter = pageRoutes({ prefix: "gateway", page: PAGE, assets: ASSETS });
