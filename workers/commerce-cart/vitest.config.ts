import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-cart",
    dir: new URL(".", import.meta.url),
    database: "commerce-cart",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // CATALOG (entrypoint CatalogRpc) reaches the real catalog Worker, bundled from its wrangler.toml and run beside
    // this one; the tests seed its products through env.MESH_DB_COMMERCE_CATALOG (its migrated D1)
    mesh: ["commerce-catalog"],
  }),
);
