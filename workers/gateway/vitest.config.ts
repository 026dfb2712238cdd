import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "gateway",
    dir: new URL(".", import.meta.url),
    database: "gateway",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
  }),
);
