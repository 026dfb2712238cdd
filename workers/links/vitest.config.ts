import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fakeAccountsWorker, migrationsDir } from "../../packages/testing/src/node.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      // KV, the click Queue (producer and consumer), D1 and both Durable Objects come from wrangler.toml
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir("links")), LOG_LEVEL: "silent" },
        // accounts is replaced by a stand-in Worker serving the test JWKS (the real verification path
        // runs) and the verifyApiKey RPC the real accounts entrypoint exposes
        serviceBindings: { ACCOUNTS: "fake-accounts" },
        workers: [fakeAccountsWorker(TEST_API_KEYS)],
      },
    }),
  ],
  test: {
    name: "links",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
