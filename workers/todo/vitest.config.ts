import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fakeAccounts, migrationsDir } from "../../packages/testing/src/node.ts";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir("todo")), LOG_LEVEL: "silent" },
        // accounts is replaced by a stand-in serving the test JWKS: the real verification path runs
        serviceBindings: { ACCOUNTS: fakeAccounts },
      },
    }),
  ],
  test: {
    name: "todo",
    root: fileURLToPath(new URL(".", import.meta.url)),
    setupFiles: ["./test/setup.ts"],
  },
}));
