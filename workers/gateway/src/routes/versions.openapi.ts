import { errors, jsonResponse, pageSchema, paginationQuery } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { configSchema, etagHeader, ifMatchHeaders, versionedConfigSchema, wsParams } from "./schemas";

const base = { tags: ["Config"], security: [{ bearerAuth: [] }] };
const versionNumber = (description: string) =>
  z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(2_000_000_000, "Too large")
    .openapi({ description, example: 3 });
const versionParams = wsParams.extend({
  version: versionNumber("A version number").openapi({ param: { name: "version", in: "path" } }),
});

const versionInfo = {
  version: z.number().int(),
  createdAt: z.string().openapi({ format: "date-time" }),
  createdBy: z.string().openapi({ description: "The user who made it" }),
  message: z.string(),
};
const versionInfoSchema = z.object(versionInfo).openapi("ConfigVersionInfo");
const versionSchema = z.object({ ...versionInfo, config: configSchema }).openapi("ConfigVersion");
const changeSchema = z
  .object({
    op: z.enum(["add", "remove", "change"]),
    path: z.string().openapi({ example: "services[users-api].timeouts.readMs" }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .openapi("ConfigChange");
const diffSchema = z.object({ from: z.number().int(), to: z.number().int(), changes: z.array(changeSchema) }).openapi("ConfigDiff");

export const listVersionsRoute = createRoute({
  ...base,
  operationId: "listConfigVersions",
  method: "get",
  path: "/workspaces/{ws}/config/versions",
  summary: "List config versions",
  description: "The history, newest first, keyset-paginated (`nextCursor`). Any member.",
  request: { params: wsParams, query: z.object(paginationQuery) },
  responses: {
    200: jsonResponse(pageSchema(versionInfoSchema).openapi("ConfigVersionPage"), "A page of versions"),
    ...errors(401, 403, 404, 422),
  },
});

export const getVersionRoute = createRoute({
  ...base,
  operationId: "getConfigVersion",
  method: "get",
  path: "/workspaces/{ws}/config/versions/{version}",
  summary: "Get one config version",
  request: { params: versionParams },
  responses: { 200: jsonResponse(versionSchema, "The version with its document"), ...errors(401, 403, 404, 422) },
});

export const diffVersionsRoute = createRoute({
  ...base,
  operationId: "diffConfigVersions",
  method: "get",
  path: "/workspaces/{ws}/config/versions/{version}/diff",
  summary: "Diff two config versions",
  description:
    "What changed from `against` (default: the version before) to `{version}`: entries are matched by name, so a list " +
    "reordering is not a change.",
  request: { params: versionParams, query: z.object({ against: versionNumber("The version to compare with").optional() }) },
  responses: { 200: jsonResponse(diffSchema, "The changes"), ...errors(401, 403, 404, 422) },
});

export const rollbackRoute = createRoute({
  ...base,
  operationId: "rollbackConfig",
  method: "post",
  path: "/workspaces/{ws}/config/versions/{version}/rollback",
  summary: "Roll back to a version",
  description:
    "Makes that version's document current again as a NEW version (history is never rewritten). API keys are not part " +
    "of a config: a revoked key stays revoked. Validated again (422). Admins; `If-Match` makes it conditional (412).",
  request: { params: versionParams, headers: ifMatchHeaders },
  responses: {
    201: {
      description: "The new version",
      headers: etagHeader.extend({ Location: z.string().openapi({ example: "/gateway/v1/workspaces/acme/config/versions/9" }) }),
      content: { "application/json": { schema: versionedConfigSchema } },
    },
    ...errors(401, 403, 404, 409, 412, 413, 422, 429),
  },
});
