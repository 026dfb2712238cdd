import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: starts the README's dev command (scripts/dev.mjs = `pnpm dev`) and drives two real
// Chromium pages (playwright-core + the system's /usr/bin/chromium) chatting through the front door.
export default defineConfig({
  test: {
    name: "chat-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // the machine may be busy (CI, or five engineers on two cores): DOM waits are generous, never timed
    expect: { poll: { timeout: 20_000, interval: 50 } },
  },
});
