import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-cart",
    dir: new URL(".", import.meta.url),
    database: "commerce-cart",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // CATALOG (entrypoint CatalogRpc) reaches a Worker named edgeworks-commerce-catalog beside this one: the
    // contract's stand-in in test/fixtures (seeded through env.MESH_DB_COMMERCE_CATALOG), so the cart's tests
    // do not depend on catalog's inventory machinery; the cross-service saga tests run the real one.
    mesh: ["commerce-catalog"],
    meshDir: new URL("./test/fixtures/", import.meta.url),
  }),
);
