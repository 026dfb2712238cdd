import { jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { loadSigningKeys } from "./keys";
import { accounts } from "./product";
import { adminRoutes } from "./routes/admin";
import { apiKeyRoutes } from "./routes/api-keys";
import { devRoutes } from "./routes/dev";
import { emailRoutes } from "./routes/email";
import { linkRoutes } from "./routes/email-links";
import { meRoutes } from "./routes/me";
import { passwordRoutes } from "./routes/passwords";
import { sessionRoutes } from "./routes/sessions";

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

accounts.app.openapi(
  createRoute({
    method: "get",
    path: "/auth/.well-known/jwks.json",
    operationId: "getJwks",
    security: [],
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

// `/auth/v1` has no guard (guard: false): its routes authenticate one by one with requireAuth.
// linkRoutes first: its urlencoded form posts are answered before the JSON routes of the same paths.
for (const routes of [linkRoutes, sessionRoutes, meRoutes, passwordRoutes, emailRoutes, apiKeyRoutes, adminRoutes, devRoutes]) {
  accounts.v1.route("/", routes);
}

/**
 * The accounts API, built: index.ts serves it from the RPC entrypoint's fetch. The front door forwards
 * the full path, so every route carries the `/auth` prefix.
 */
export const app = accounts.build();
