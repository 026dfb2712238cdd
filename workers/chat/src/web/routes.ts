import { pageRoutes } from "@edgeworks/ui/routes";
import { ASSETS, PAGE } from "./dist/assets";

/**
 * The chat web page at /chat/ (built from workers/chat/web by web/build.mjs), served by @edgeworks/ui's
 * pageRoutes: the strict CSP, the page revalidated on every load, the content-hashed script and stylesheet
 * cached for a year, ETags for 304s.
 */
export const webRouter = pageRoutes({ prefix: "chat", page: PAGE, assets: ASSETS });
