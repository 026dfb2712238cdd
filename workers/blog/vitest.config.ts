import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { TEST_PRIVATE_JWKS, TEST_PUBLIC_JWKS } from "../../packages/testing/src/node.ts";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

// The blog's own fake accounts Worker (test/fake-accounts.js) stands in for accounts: the shared one
// has no register/login/PATCH /me/setPassword, which the RealWorld user routes call.
export default defineConfig(() =>
  workerTestConfig({
    name: "blog",
    dir: new URL(".", import.meta.url),
    database: "blog",
    bindings: { DEV_MODE: "true" },
    accountsWorker: {
      name: "blog-fake-accounts",
      modules: true,
      scriptPath: fileURLToPath(new URL("./test/fake-accounts.js", import.meta.url)),
      compatibilityDate: "2026-04-01",
      bindings: { JWKS: JSON.stringify(TEST_PUBLIC_JWKS), PRIVATE_JWK: JSON.stringify(TEST_PRIVATE_JWKS[0]) },
    },
  }),
);
