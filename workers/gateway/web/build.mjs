// Builds the gateway dashboard with @edgeworks/ui's buildPage (web/header.html and web/index.html in the
// shared page shell, web/style.css with the shared stylesheet, web/app.ts and what it imports) into one TS
// module, src/web/dist/assets.ts, that src/web/routes.ts serves with pageRoutes. The output folder is
// git-ignored (`dist/`); scripts/prepare.mjs runs this on install, dev, test and bench.
// Usage: node workers/gateway/web/build.mjs [--watch]
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPage, runBuildCli } from "@edgeworks/ui/build";

const WEB = dirname(fileURLToPath(import.meta.url));
const OUT = join(WEB, "..", "src", "web", "dist", "assets.ts");

/** Builds the dashboard; writes the module only if its content changed (no needless dev reloads). */
export const buildGatewayWeb = () =>
  buildPage({
    web: WEB,
    out: OUT,
    prefix: "gateway",
    title: "Edgeworks Gateway",
    worker: "gateway",
    pageDoc: "The dashboard at /gateway/.",
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) runBuildCli({ build: buildGatewayWeb, web: WEB });
