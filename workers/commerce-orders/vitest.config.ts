import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-orders",
    dir: new URL(".", import.meta.url),
    database: "commerce-orders",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // the saga tests run the real sibling services beside this Worker (test/saga.*.test.ts); the unit tests
    // replace them with fakes in the env they pass to the Worker (test/helpers.ts)
    mesh: ["commerce-catalog", "commerce-payments", "commerce-cart", "commerce-users", "commerce-notifications"],
    stripe: true,
  }),
);
