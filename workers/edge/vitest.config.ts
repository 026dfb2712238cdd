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

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: { LOG_LEVEL: "silent", CORS_ORIGINS: "https://app.example.com, https://admin.example.com" },
        serviceBindings: {
          ACCOUNTS: echo("accounts"),
          TODO: echo("todo"),
          LINKS: echo("links"),
          NOTES: echo("notes"),
          BLOG: echo("blog"),
          CHAT: echo("chat"),
          BOARDS: echo("boards"),
          DOCS: echo("docs"),
        },
      },
    }),
  ],
  test: {
    name: "edge",
    include: ["test/**/*.test.ts"],
    root: fileURLToPath(new URL(".", import.meta.url)),
  },
});
