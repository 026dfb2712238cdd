import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The stand-in itself runs in Node: its tests drive it with the real `stripe` Node SDK.
export default defineConfig({
  test: {
    name: "stripe-fake",
    root: fileURLToPath(new URL(".", import.meta.url)),
    environment: "node",
    include: ["test/**/*.test.{mjs,ts}"],
    testTimeout: 20_000,
  },
});
