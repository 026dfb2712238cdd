import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// The client runs inside workerd here (as a Worker calling another product would use it); the Node side is
// exercised by the e2e tests (workers/edge/e2e) and the browser side by the chat page's e2e test.
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] } })],
  test: { name: "client", root: fileURLToPath(new URL(".", import.meta.url)) },
});
