import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The client is for Node workers: its tests run in Node against a small in-process stand-in of /jobs/v1
// (test/fake-jobs-api.ts) that keeps the leases the way the scheduler does; workers/jobs/e2e runs the same
// client against the real product under `pnpm dev`.
export default defineConfig({
  test: {
    name: "jobs-client",
    root: fileURLToPath(new URL(".", import.meta.url)),
    environment: "node",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
