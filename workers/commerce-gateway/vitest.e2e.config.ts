import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts the README's dev command (scripts/dev.mjs = `pnpm dev`: the seven commerce services and the
// rest of the platform in one wrangler dev) and shops through the front door's `/commerce/v1/*` only, with Node's
// fetch as any client would: accounts, the commerce:admin role, catalog, cart, the order saga, its timeline, its
// logs from every service, health, a declined card, and a crash of the whole stack mid-saga with a restart on the
// same state.
export default defineConfig({
  test: {
    name: "commerce-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 420_000,
  },
});
