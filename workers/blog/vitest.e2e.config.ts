import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts the README's dev command (scripts/dev.mjs = `pnpm dev`) and drives the RealWorld API
// through the front door with the real accounts Worker behind it, as a RealWorld frontend would.
export default defineConfig({
  test: {
    name: "blog-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
