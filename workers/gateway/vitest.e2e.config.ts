import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// End-to-end: e2e/global-setup.ts starts `pnpm dev` (scripts/dev.mjs, DEV_MODE=true, so loopback upstream
// targets are allowed) once for every file of this project; the files run the gateway from outside through the
// front door: the admin API at /gateway/v1 with a real accounts user, proxied traffic at /gw/<workspace>/…, and
// local Node HTTP upstreams (e2e/upstream.ts) they can slow down, fail, flap, stop and restart.
export default defineConfig({
  test: {
    name: "gateway-e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 420_000,
  },
});
