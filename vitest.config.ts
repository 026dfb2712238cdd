import { defineConfig } from "vitest/config";

// Every package and Worker is its own vitest project with its own vitest.config.ts; the Worker
// projects run inside workerd through @cloudflare/vitest-pool-workers against real local bindings; the
// scripts project (deploy planning, keys, dlq) runs in Node.
export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "packages/testing/test/fixtures/*/vitest.config.ts",
      "workers/*/vitest.config.ts",
      "workers/*/vitest.e2e.config.ts",
      "scripts/vitest.config.ts",
    ],
  },
});
