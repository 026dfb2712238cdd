import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts `pnpm dev` (scripts/dev.mjs) and runs the jobs product from outside, as a customer's Node
// service would: packages/jobs-client's JobsClient and Worker through the front door's `/jobs/v1`, and the
// built-in handlers through the local Cloudflare Queue of wrangler dev.
export default defineConfig({
  test: {
    name: "jobs-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 420_000,
  },
});
