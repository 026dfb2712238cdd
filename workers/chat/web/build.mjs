// Builds the chat page with @edgeworks/ui's buildPage (web/header.html and web/index.html in the shared page
// shell, web/style.css with the shared stylesheet, web/app.ts and what it imports, @edgeworks/client
// included) into one TS module, src/web/dist/assets.ts, that src/web/routes.ts serves with pageRoutes. The
// output folder is git-ignored (`dist/`); scripts/prepare.mjs runs this on install, dev, test and bench,
// so a checkout never serves a stale page.
// Usage: node workers/chat/web/build.mjs [--watch]   (--watch: rebuild on every change; a running
// `pnpm dev` then reloads the chat Worker by itself)
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPage, runBuildCli } from "@edgeworks/ui/build";

const WEB = dirname(fileURLToPath(import.meta.url));
const OUT = join(WEB, "..", "src", "web", "dist", "assets.ts");

/** Builds the page; writes the module only if its content changed (no needless dev reloads). */
export const buildChatWeb = () =>
  buildPage({ web: WEB, out: OUT, prefix: "chat", title: "Edgeworks Chat", worker: "chat", pageDoc: "The page at /chat/." });

if (process.argv[1] === fileURLToPath(import.meta.url)) runBuildCli({ build: buildChatWeb, web: WEB });
