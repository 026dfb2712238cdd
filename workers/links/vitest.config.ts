import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

// KV, the click Queue (producer and consumer), D1 and both Durable Objects come from wrangler.toml
export default defineConfig(() =>
  workerTestConfig({ name: "links", dir: new URL(".", import.meta.url), database: "links", fakeAccounts: TEST_API_KEYS }),
);
