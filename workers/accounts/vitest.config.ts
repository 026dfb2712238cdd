import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { migrationsDir, TEST_PRIVATE_JWKS } from "../../packages/testing/src/node.ts";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(migrationsDir("accounts")),
          // the test keys: tokens minted by @edgeworks/testing verify here, and ours verify with TEST_PUBLIC_JWKS
          JWT_PRIVATE_KEYS: JSON.stringify(TEST_PRIVATE_JWKS),
          DEV_MODE: "true",
          LOG_LEVEL: "silent",
        },
      },
    }),
  ],
  test: {
    name: "accounts",
    root: fileURLToPath(new URL(".", import.meta.url)),
    setupFiles: ["./test/setup.ts"],
  },
}));
