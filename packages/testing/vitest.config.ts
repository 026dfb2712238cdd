import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// packages/testing's own tests run in workerd like the Workers that use it; DB is an empty D1
// database each test builds its own tables in.
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"], d1Databases: ["DB"] } })],
  test: {
    name: "testing",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/**/*.test.ts"],
    exclude: ["test/fixtures/**"],
  },
});
