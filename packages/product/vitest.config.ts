import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test/worker.ts",
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { LOG_LEVEL: "silent", WRITE_RATE_LIMIT_PER_MINUTE: "2" },
        durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
        d1Databases: ["DB"],
      },
    }),
  ],
  test: { name: "product", root: fileURLToPath(new URL(".", import.meta.url)) },
});
