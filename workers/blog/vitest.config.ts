import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({ name: "blog", dir: new URL(".", import.meta.url), database: "blog", fakeAccounts: {} }),
);
