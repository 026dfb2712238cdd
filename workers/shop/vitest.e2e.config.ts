import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts the README's dev command (scripts/dev.mjs = `pnpm dev`, which also starts the Stripe
// stand-in) and buys through the front door with Node's fetch, as any client would: accounts, roles, the
// catalog, cart, checkout, payment at the stand-in, its signed webhook, refunds, the receipt email.
export default defineConfig({
  test: {
    name: "shop-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
