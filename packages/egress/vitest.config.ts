import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Inside workerd with a KV for the DNS cache; outbound requests (DoH and upstreams) are answered by the
// fake network of src/testing/fake-net.ts, installed at the fetch boundary by each test file.
export default defineConfig({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat"],
        kvNamespaces: ["CACHE"],
      },
    }),
  ],
  test: { name: "egress", root: fileURLToPath(new URL(".", import.meta.url)) },
});
