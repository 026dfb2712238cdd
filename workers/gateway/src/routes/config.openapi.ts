import { errors } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { configSchema, etagHeader, ifMatchHeaders, versionedConfigSchema, wsParams } from "./schemas";

const base = { tags: ["Config"], security: [{ bearerAuth: [] }] };
const yamlText = z.string().openapi({ description: "The config document as YAML", example: "services:\n  - name: users-api\n" });

export const getConfigRoute = createRoute({
  ...base,
  operationId: "getConfig",
  method: "get",
  path: "/workspaces/{ws}/config",
  summary: "Get the current config",
  description:
    'The current version and its document, with `ETag: "N"` (send it back as `If-Match` to write only on top of it). ' +
    "`Accept: application/yaml` answers the document alone as YAML (the version is in the ETag). Any member.",
  request: { params: wsParams },
  responses: {
    200: {
      description: "The current config",
      headers: etagHeader.extend({ Vary: z.string().openapi({ example: "Accept" }) }),
      content: { "application/json": { schema: versionedConfigSchema }, "application/yaml": { schema: yamlText } },
    },
    304: { description: "Not modified (`If-None-Match` names the current version)" },
    ...errors(401, 403, 404, 422),
  },
});

export const putConfigRoute = createRoute({
  ...base,
  operationId: "replaceConfig",
  method: "put",
  path: "/workspaces/{ws}/config",
  summary: "Replace the whole config (import)",
  description:
    "A whole document as JSON or YAML (`Content-Type: application/yaml`), declarative: what it lists is the config. " +
    "Entries without ids keep the id of the entry with the same name, else get a new one. `?dryRun=true` only validates " +
    "(nothing is stored; `version` is the current one). 422 lists every problem with its path in the document, 413 above " +
    "512 KiB, 412 when `If-Match` names an older version. Admins.",
  request: {
    params: wsParams,
    query: z.object({
      dryRun: z.enum(["true", "false"]).optional().openapi({ description: "Validate only" }),
      message: z
        .string()
        .max(500)
        .optional()
        .openapi({ description: "Stored with the version, shown in the history", example: "add the orders route" }),
    }),
    headers: ifMatchHeaders,
    body: {
      required: true,
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/GatewayConfig" } },
        "application/yaml": { schema: { type: "string", description: "The same document as YAML" } },
      },
    },
  },
  responses: {
    200: {
      description: "The new current config (or, for a dry run, the validated document)",
      headers: etagHeader,
      content: { "application/json": { schema: versionedConfigSchema } },
    },
    ...errors(400, 401, 403, 404, 412, 413, 415, 422, 429),
  },
});

export const exportConfigRoute = createRoute({
  ...base,
  operationId: "exportConfig",
  method: "get",
  path: "/workspaces/{ws}/config/export",
  summary: "Export the config as a file",
  description:
    "The current document as an attachment (`gateway-<slug>-v<N>.yaml|json`), ready to commit and `PUT` back. API keys are " +
    "never part of it. Any member.",
  request: {
    params: wsParams,
    query: z.object({ format: z.enum(["yaml", "json"]).default("yaml").openapi({ description: "Default yaml" }) }),
  },
  responses: {
    200: {
      description: "The document",
      headers: z.object({ "Content-Disposition": z.string().openapi({ example: 'attachment; filename="gateway-acme-v7.yaml"' }) }),
      content: { "application/yaml": { schema: yamlText }, "application/json": { schema: configSchema } },
    },
    304: { description: "Not modified" },
    ...errors(401, 403, 404, 422),
  },
});
