import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Inside workerd, where a Worker would render a page with the shell. `css.include`: vitest empties CSS
// imports by default, and the tests read the stylesheet's text (`ui.css?raw`).
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] } })],
  test: { name: "ui", root: fileURLToPath(new URL(".", import.meta.url)), css: { include: [/ui\.css/] } },
});
