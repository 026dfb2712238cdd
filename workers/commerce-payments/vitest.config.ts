import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-payments",
    dir: new URL(".", import.meta.url),
    database: "commerce-payments",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // packages/stripe-fake on a free port: STRIPE_API_BASE, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET
    stripe: true,
  }),
);
