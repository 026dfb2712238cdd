import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-notifications",
    dir: new URL(".", import.meta.url),
    database: "commerce-notifications",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // the users service runs beside this one (its RPC answers getContact); tests that need a contact it cannot
    // give replace USERS for one delivery
    mesh: ["commerce-users"],
  }),
);
