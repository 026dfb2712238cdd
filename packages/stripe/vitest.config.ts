import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { startStripeFake } from "../stripe-fake/src/index.mjs";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Inside workerd, with the Stripe stand-in (packages/stripe-fake) on a free port bound as STRIPE_API_BASE,
// the way packages/testing's `stripe: true` does it (unref'd, so it ends with the run).
export default defineConfig(async () => {
  const fake = await startStripeFake({ unref: true, endpoints: [{ url: "pull://tests", secret: "whsec_test_package" }] });
  return {
    plugins: [
      cloudflareTest({
        miniflare: {
          compatibilityDate: "2026-04-01",
          compatibilityFlags: ["nodejs_compat"],
          bindings: { STRIPE_API_BASE: fake.url, STRIPE_SECRET_KEY: "sk_test_package", STRIPE_WEBHOOK_SECRET: "whsec_test_package" },
        },
      }),
    ],
    test: { name: "stripe", root: here(".") },
  };
});
