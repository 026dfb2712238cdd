import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// A D1 with packages/queue's tables (queue_outbox is what a product that sends mail adds), applied
// before each test file by the shared setup.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        d1Databases: ["DB"],
        bindings: { TEST_MIGRATIONS: await readD1Migrations(here("../queue/migrations")), LOG_LEVEL: "silent" },
      },
    }),
  ],
  test: {
    name: "mail-package",
    root: here("."),
    setupFiles: [here("../testing/src/setup-migrations.ts")],
  },
}));
