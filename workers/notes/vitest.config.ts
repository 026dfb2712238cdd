import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({ name: "notes", dir: new URL(".", import.meta.url), database: "notes", fakeAccounts: {} }),
);
