import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The contracts run in workerd like their producers and consumers; D1 with packages/queue's outbox table.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        d1Databases: ["DB"],
        queueProducers: { ORDERS_EVENTS: "test-orders-events", CATALOG_EVENTS: "test-catalog-events", LOGS: "test-logs" },
        bindings: { TEST_MIGRATIONS: await readD1Migrations(here("../queue/migrations")), LOG_LEVEL: "silent" },
      },
    }),
  ],
  test: {
    name: "commerce-contracts",
    root: here("."),
    setupFiles: [here("../testing/src/setup-migrations.ts")],
  },
}));
