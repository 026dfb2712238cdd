// Copies Swagger UI (from the swagger-ui-dist npm package) into workers/docs/public (the front door
// serves it at /_docs/ through the docs Worker), so
// every product's /docs page works offline and never loads a CDN. Runs on install, dev, test and bench.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { buildChatWeb } from "../workers/chat/web/build.mjs";
import { buildGatewayWeb } from "../workers/gateway/web/build.mjs";
import { buildJobsWeb } from "../workers/jobs/web/build.mjs";
import { ROOT } from "./lib.mjs";

const require = createRequire(join(ROOT, "packages", "http", "package.json"));
const dist = dirname(require.resolve("swagger-ui-dist/package.json"));
const out = join(ROOT, "workers", "docs", "public", "_docs");
mkdirSync(out, { recursive: true });
const files = [
  [join(dist, "swagger-ui-bundle.js"), "swagger-ui-bundle.js"],
  [join(dist, "swagger-ui.css"), "swagger-ui.css"],
  [join(ROOT, "packages", "http", "assets", "init.js"), "init.js"],
];
for (const [from, name] of files) {
  const to = join(out, name);
  if (!existsSync(to) || !readFileSync(to).equals(readFileSync(from))) copyFileSync(from, to);
}

// The chat page (workers/chat/web) into the git-ignored module the chat Worker serves it from.
buildChatWeb();
// The jobs dashboard (workers/jobs/web), the same way.
buildJobsWeb();
// The gateway dashboard (workers/gateway/web), the same way.
buildGatewayWeb();
