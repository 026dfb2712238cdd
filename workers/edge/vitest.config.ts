import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Stands in for a product Worker: echoes what the front door forwarded, so routing can be asserted. */
const echo = (service: string) => async (request: Request) =>
  Response.json(
    {
      service,
      method: request.method,
      url: request.url,
      requestId: request.headers.get("X-Request-Id"),
      authorization: request.headers.get("Authorization"),
      body: request.body ? await request.text() : null,
    },
    { headers: { "X-Upstream": service } },
  );

/** Every Worker the front door binds, from the product registry: each binding gets an echo named after its Worker. */
type Bound = { worker: string; binding: string };
const registry: { products: Bound[]; services: Bound[] } = JSON.parse(
  readFileSync(new URL("../../products.json", import.meta.url), "utf8"),
);
const serviceBindings = Object.fromEntries([...registry.products, ...registry.services].map((p) => [p.binding, echo(p.worker)]));

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: { LOG_LEVEL: "silent", CORS_ORIGINS: "https://app.example.com, https://admin.example.com" },
        serviceBindings,
      },
    }),
  ],
  test: {
    name: "edge",
    include: ["test/**/*.test.ts"],
    root: fileURLToPath(new URL(".", import.meta.url)),
  },
});
