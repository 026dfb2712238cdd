import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      miniflare: { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"], r2Buckets: ["FILES"], d1Databases: ["DB"] },
    }),
  ],
  test: { name: "http", root: fileURLToPath(new URL(".", import.meta.url)) },
});
