import { createApp, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { AccountsEnv } from "./context";
import { loadSigningKeys } from "./keys";
import { apiKeyRoutes } from "./routes/api-keys";
import { devRoutes } from "./routes/dev";
import { emailRoutes } from "./routes/email";
import { meRoutes } from "./routes/me";
import { passwordRoutes } from "./routes/passwords";
import { sessionRoutes } from "./routes/sessions";

/**
 * The accounts API. The front door forwards the full path, so every route carries the `/auth` prefix.
 */
export const app = createApp<AccountsEnv>();

app.openapi(
  createRoute({
    method: "get",
    path: "/auth/health",
    tags: ["Meta"],
    summary: "Liveness",
    responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
  }),
  (c) => c.json({ status: "ok" as const }, 200),
);

const jwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .openapi("Jwk");

app.openapi(
  createRoute({
    method: "get",
    path: "/auth/.well-known/jwks.json",
    tags: ["Meta"],
    summary: "Public keys that verify access tokens",
    description:
      "RFC 7517 JSON Web Key Set: the current signing key first, then retired keys until the tokens they signed have expired. Match a token's `kid` header. Cacheable for 5 minutes.",
    responses: { 200: jsonResponse(z.object({ keys: z.array(jwkSchema) }).openapi("Jwks"), "The key set") },
  }),
  async (c) => {
    const { jwks } = await loadSigningKeys(c.env.JWT_PRIVATE_KEYS);
    return c.json(jwks, 200, { "Cache-Control": "public, max-age=300" });
  },
);

for (const routes of [sessionRoutes, meRoutes, passwordRoutes, emailRoutes, apiKeyRoutes, devRoutes]) app.route("/auth/v1", routes);

mountDocs(app, {
  prefix: "/auth",
  title: "Edgeworks Accounts API",
  version: "1.0.0",
  description:
    "Identity for every Edgeworks product: accounts, sessions (15-minute ES256 access tokens and rotating 30-day refresh tokens), " +
    "email verification, password reset and API keys. Verify access tokens with the keys at `/auth/.well-known/jwks.json`. " +
    "Errors are `application/problem+json` (RFC 9457).",
});
