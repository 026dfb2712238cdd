import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The repo scripts' pure parts (deploy planning and config editing, keys, dlq) in plain Node: they run on a
// laptop or in CI, never inside workerd.
export default defineConfig({
  test: {
    name: "scripts",
    root: fileURLToPath(new URL(".", import.meta.url)),
    environment: "node",
    include: ["test/**/*.test.mjs"],
  },
});
