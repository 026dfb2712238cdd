import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: e2e/gateway.e2e.test.ts starts `pnpm dev` (scripts/dev.mjs, DEV_MODE=true, so loopback upstream
// targets are allowed) once and runs the suites of e2e/ against it from outside, through the front door: the admin
// API at /gateway/v1 with real accounts users, proxied traffic at /gw/<workspace>/…, and local Node HTTP upstreams
// (e2e/upstream.ts) they slow down, fail, flap, stop and restart.
export default defineConfig({
  test: {
    name: "gateway-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 420_000,
  },
});
