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
        durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
      },
    }),
  ],
  test: { name: "ratelimit", root: fileURLToPath(new URL(".", import.meta.url)) },
});
