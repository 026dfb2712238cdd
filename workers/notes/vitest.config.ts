import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

export default defineConfig(async () => {
  const config = await workerTestConfig({
    name: "notes",
    dir: new URL(".", import.meta.url),
    database: "notes",
    // lower than production's 600 so that the 429 test stays fast
    bindings: { WRITE_RATE_LIMIT_PER_MINUTE: "120", LOG_LEVEL: process.env.NOTES_TEST_LOG_LEVEL ?? "silent" },
    fakeAccounts: TEST_API_KEYS,
  });
  // sanitize-html (postcss) is CommonJS that only works under vitest when pre-bundled (LIBRARIES.md)
  return {
    ...config,
    test: { ...config.test, deps: { optimizer: { ssr: { enabled: true, include: ["sanitize-html"] } } } },
  };
});
