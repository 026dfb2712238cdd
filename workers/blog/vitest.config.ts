import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { migrationsDir, TEST_PRIVATE_JWKS, TEST_PUBLIC_JWKS } from "../../packages/testing/src/node.ts";

// workerTestConfig's setup, with the blog's own fake accounts Worker (test/fake-accounts.js): the
// shared one has no register/login/PATCH /me, which the RealWorld user routes call.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir("blog")), LOG_LEVEL: "silent", DEV_MODE: "true" },
        serviceBindings: { ACCOUNTS: "blog-fake-accounts" },
        workers: [
          {
            name: "blog-fake-accounts",
            modules: true,
            scriptPath: fileURLToPath(new URL("./test/fake-accounts.js", import.meta.url)),
            compatibilityDate: "2026-04-01",
            bindings: { JWKS: JSON.stringify(TEST_PUBLIC_JWKS), PRIVATE_JWK: JSON.stringify(TEST_PRIVATE_JWKS[0]) },
          },
        ],
      },
    }),
  ],
  test: {
    name: "blog",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/**/*.test.ts"],
    setupFiles: [fileURLToPath(new URL("../../packages/testing/src/setup-migrations.ts", import.meta.url))],
  },
}));
