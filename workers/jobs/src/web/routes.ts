import { pageRoutes } from "@edgeworks/ui/routes";
import { ASSETS, PAGE } from "./dist/assets";

export { CONTENT_SECURITY_POLICY } from "@edgeworks/ui/routes";

/**
 * The jobs dashboard at /jobs/ (built from workers/jobs/web by web/build.mjs), served by @edgeworks/ui's
 * pageRoutes like the chat page: the strict CSP, the page revalidated on every load, the content-hashed
 * script and stylesheet cached for a year, ETags for 304s. Not API routes: left out of the OpenAPI document.
 */
export const webRouter = pageRoutes({ prefix: "jobs", page: PAGE, assets: ASSETS });
