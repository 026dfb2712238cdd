import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "chat",
    dir: new URL(".", import.meta.url),
    database: "chat",
    fakeAccounts: {},
    bindings: { DEV_MODE: "true" },
  }),
);
