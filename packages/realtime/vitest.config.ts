import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./test/worker.ts",
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        // a small room object built only from the package's parts (see test/worker.ts)
        durableObjects: { ROOM: { className: "TestRoom", useSQLite: true } },
      },
    }),
  ],
  test: { name: "realtime", root: fileURLToPath(new URL(".", import.meta.url)) },
});
