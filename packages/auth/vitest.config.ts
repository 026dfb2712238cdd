import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test/sql-object.ts",
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        // the tickets tests need a SqlStorage, which only a SQLite-backed Durable Object has
        durableObjects: { SQL: { className: "SqlObject", useSQLite: true } },
      },
    }),
  ],
  test: { name: "auth", root: fileURLToPath(new URL(".", import.meta.url)) },
});
