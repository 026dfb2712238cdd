import { errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { entityParams } from "./schemas";

const base = { tags: ["Consumers"], security: [{ bearerAuth: [] }] };
const consumerParams = entityParams("consumer", "consumer");
const keyParams = consumerParams.extend({
  keyId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be a key id")
    .openapi({ param: { name: "keyId", in: "path" }, example: "key_V1StGXR8" }),
});

const keySchema = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to recognise it", example: "ewg_4f9Qx" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    revokedAt: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("ApiKey");
const newKeySchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: "The key itself: shown this once, stored only as a SHA-256 hash", example: "ewg_4f9Qx…" }),
    prefix: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("NewApiKey");

export const listKeysRoute = createRoute({
  ...base,
  operationId: "listConsumerKeys",
  method: "get",
  path: "/workspaces/{ws}/consumers/{consumer}/keys",
  summary: "List a consumer's API keys",
  description: "Without the secrets: only the prefix of each key (any member).",
  request: { params: consumerParams },
  responses: {
    200: jsonResponse(z.object({ items: z.array(keySchema) }).openapi("ApiKeyList"), "The keys"),
    ...errors(401, 403, 404, 422),
  },
});

export const createKeyRoute = createRoute({
  ...base,
  operationId: "createConsumerKey",
  method: "post",
  path: "/workspaces/{ws}/consumers/{consumer}/keys",
  summary: "Issue an API key for a consumer",
  description:
    "The key (`ewg_` + 32 characters) is in this answer only; the gateway keeps its SHA-256. It works on the workspace's " +
    "routes with the `auth` plugin within a second (admins). Not idempotent on purpose: a replay would store the secret.",
  request: { params: consumerParams },
  responses: {
    201: {
      description: "Issued",
      headers: z.object({ Location: z.string().openapi({ example: "/gateway/v1/workspaces/acme/consumers/csm_x/keys/key_y" }) }),
      content: { "application/json": { schema: newKeySchema } },
    },
    ...errors(401, 403, 404, 409, 422, 429),
  },
});

export const revokeKeyRoute = createRoute({
  ...base,
  operationId: "revokeConsumerKey",
  method: "delete",
  path: "/workspaces/{ws}/consumers/{consumer}/keys/{keyId}",
  summary: "Revoke an API key",
  description: "Immediate (the next snapshot, within a second); a revoked key never comes back, not even by a rollback (admins).",
  request: { params: keyParams },
  responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404, 422, 429) },
});
