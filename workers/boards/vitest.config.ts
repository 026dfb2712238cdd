import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

// Position keys are re-spaced past 6 characters here (50 in production), so that tests reach the
// rebalancing path in a few moves, and the concurrency test runs through it many times.
export default defineConfig(() =>
  workerTestConfig({
    name: "boards",
    dir: new URL(".", import.meta.url),
    database: "boards",
    fakeAccounts: TEST_API_KEYS,
    bindings: { POSITION_KEY_MAX_LENGTH: "6" },
  }),
);
