import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fakeAccountsWorker, migrationsDir } from "../../packages/testing/src/node.ts";
import { TEST_API_KEYS } from "./test/api-keys.ts";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(migrationsDir("todo")),
          LOG_LEVEL: "silent",
          // lower than production's 600 so that the 429 test stays fast
          WRITE_RATE_LIMIT_PER_MINUTE: "100",
        },
        // accounts is replaced by a stand-in Worker serving the test JWKS (the real verification path
        // runs) and the verifyApiKey RPC the real accounts entrypoint exposes
        serviceBindings: { ACCOUNTS: "fake-accounts" },
        workers: [fakeAccountsWorker(TEST_API_KEYS)],
      },
    }),
  ],
  test: {
    name: "todo",
    root: fileURLToPath(new URL(".", import.meta.url)),
    setupFiles: ["./test/setup.ts"],
  },
}));
