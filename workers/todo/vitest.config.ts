import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "todo",
    dir: new URL(".", import.meta.url),
    database: "todo",
    // lower than production's 600 so that the 429 test stays fast
    bindings: { WRITE_RATE_LIMIT_PER_MINUTE: "100" },
    fakeAccounts: TEST_API_KEYS,
  }),
);
