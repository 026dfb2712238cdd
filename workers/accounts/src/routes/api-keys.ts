import { requireScope } from "@edgeworks/auth";
import { createRouter, errors, jsonBody, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { createApiKey, listApiKeys, revokeApiKey } from "../api-keys.service";
import { type AccountsEnv, requireAuth, requireSession, serviceDeps } from "../product";
import { apiKeyParams, apiKeySchema, createApiKeyBody, createdApiKeySchema, listApiKeysQuery } from "../validation";

/** The caller's API keys. Creating and deleting keys needs a session (an API key cannot mint or revoke keys). */
export const apiKeyRoutes = createRouter<AccountsEnv>();

apiKeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api-keys",
    operationId: "createApiKey",
    tags: ["API keys"],
    summary: "Create an API key",
    description:
      'The whole `key` is in this response only; it is stored as a SHA-256 hash. Scopes are `*` or `<resource>:<action>` (e.g. `todo:read`), default `["*"]`. Needs an access token, not an API key (403), and a verified email address (403). At most 100 active keys (409). A password change or reset, a reverted email change and the first verification of the address revoke every key.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireSession] as const,
    request: { body: jsonBody(createApiKeyBody) },
    responses: {
      201: jsonResponse(createdApiKeySchema, "The new key, shown once"),
      ...errors(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const created = await createApiKey(serviceDeps(c), c.var.auth.userId, c.req.valid("json"));
    return c.json(created, 201, { "Cache-Control": "no-store" });
  },
);

apiKeyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api-keys",
    operationId: "listApiKeys",
    tags: ["API keys"],
    summary: "List your active API keys",
    description: "Newest first, without the secret. Revoked keys are not listed; expired ones are, with their `expiresAt`.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireScope("account:read")] as const,
    request: { query: listApiKeysQuery },
    responses: { 200: jsonResponse(pageSchema(apiKeySchema).openapi("ApiKeyPage"), "One page of keys"), ...errors(401, 403, 422) },
  }),
  async (c) => c.json(await listApiKeys(serviceDeps(c).db, c.var.auth.userId, c.req.valid("query")), 200),
);

apiKeyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api-keys/{id}",
    operationId: "revokeApiKey",
    tags: ["API keys"],
    summary: "Revoke an API key",
    description: "The key stops working at once. Someone else's key, an unknown or an already revoked one is 404. Needs an access token.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireSession] as const,
    request: { params: apiKeyParams },
    responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404, 422) },
  }),
  async (c) => {
    await revokeApiKey(serviceDeps(c), c.var.auth.userId, c.req.valid("param").id);
    return c.body(null, 204);
  },
);
