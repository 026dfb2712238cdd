import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts the README's dev command (scripts/dev.mjs = `pnpm dev`) and drives a board through
// the front door with Node's fetch and a real WebSocket client (ws), like any client would.
export default defineConfig({
  test: {
    name: "boards-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
