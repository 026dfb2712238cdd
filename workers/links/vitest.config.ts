import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

// KV, the click Queue (producer and consumer), D1 and both Durable Objects come from wrangler.toml.
// DEV_MODE is "false" as in production, whatever a local .dev.vars says (`pnpm dev` writes "true" there, and
// the pool reads it): X-Real-IP is not trusted (test/networks.test.ts relies on it), and target hosts are
// checked over DNS-over-HTTPS against test/fake-doh.ts (installed before every file by test/setup-doh.ts).
export default defineConfig(async () => {
  const config = await workerTestConfig({
    name: "links",
    dir: new URL(".", import.meta.url),
    database: "links",
    fakeAccounts: TEST_API_KEYS,
    bindings: { DEV_MODE: "false", URL_DNS_CHECK: "doh", SHORT_LINK_HOST: "go.sho.rt" },
  });
  const setupFiles = [config.test?.setupFiles ?? []].flat();
  return {
    ...config,
    test: { ...config.test, setupFiles: [...setupFiles, fileURLToPath(new URL("./test/setup-doh.ts", import.meta.url))] },
  };
});
