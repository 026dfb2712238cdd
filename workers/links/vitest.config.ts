import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { migrationsDir, TEST_PUBLIC_JWKS } from "../../packages/testing/src/node.ts";
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
        workers: [
          {
            name: "fake-accounts",
            modules: true,
            scriptPath: fileURLToPath(new URL("./test/fake-accounts.js", import.meta.url)),
            compatibilityDate: "2026-04-01",
            bindings: { JWKS: JSON.stringify(TEST_PUBLIC_JWKS), API_KEYS: JSON.stringify(TEST_API_KEYS) },
          },
        ],
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
