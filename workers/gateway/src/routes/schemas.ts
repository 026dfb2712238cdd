import { pageSchema, paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { SLUG_PATTERN } from "../config/store";

// Workspace slugs (the config layer's rule): they appear in every proxied URL, `/gw/{slug}/…`.
const slug = () =>
  z
    .string()
    .max(63, "Must be at most 63 characters")
    .regex(SLUG_PATTERN, "Must be 1..63 of a-z, 0-9 and -, starting with a letter or digit")
    .openapi({ example: "acme" });

/** An entity reference in a path: an id (`svc_…`) or a name. */
const ref = (what: string) =>
  z
    .string()
    .max(64, "Must be at most 64 characters")
    .regex(/^[A-Za-z0-9_-]{1,64}$/, `Must be a ${what} id or name`)
    .openapi({ description: `The ${what}'s id or name`, example: "users-api" });

export const wsParams = z.object({ ws: slug().openapi({ param: { name: "ws", in: "path" }, description: "The workspace slug" }) });
/** `{ws}` and the entry's `{name}` (id or name) path parameters. */
export const entityParams = (name: string, what: string) =>
  z.object({ ws: wsParams.shape.ws, [name]: ref(what).openapi({ param: { name, in: "path" } }) }) as z.ZodObject<
    Record<string, z.ZodString>
  >;

export const roleSchema = z
  .enum(["owner", "admin", "viewer"])
  .openapi({ description: "viewer reads; admin also writes config; owner also manages members and the workspace" });

export const createWorkspaceBody = z
  .strictObject({ slug: slug(), name: textField({ min: 1, max: 100, trim: true }).openapi({ example: "Acme APIs" }) })
  .openapi("CreateWorkspace");
export const updateWorkspaceBody = z
  .strictObject({ name: textField({ min: 1, max: 100, trim: true }).optional() })
  .openapi("UpdateWorkspace");
export const listWorkspacesQuery = z.object(paginationQuery);

export const workspaceSchema = z
  .object({
    id: z.string(),
    slug: z.string().openapi({ example: "acme" }),
    name: z.string(),
    role: roleSchema,
    version: z.number().int().openapi({ description: "The current config version" }),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Workspace");
export const workspacePageSchema = pageSchema(workspaceSchema).openapi("WorkspacePage");

export const memberParams = wsParams.extend({
  userId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be a user id")
    .openapi({ param: { name: "userId", in: "path" }, example: "usr_V1StGXR8" }),
});
export const addMemberBody = z
  .strictObject({
    email: z.email("Must be an email address").max(254, "Must be at most 254 characters").openapi({ example: "bob@example.com" }),
    role: roleSchema,
  })
  .openapi("AddMember");
export const updateMemberBody = z.strictObject({ role: roleSchema }).openapi("UpdateMember");
export const memberSchema = z
  .object({
    userId: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    role: roleSchema,
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Member");
export const memberListSchema = z.object({ items: z.array(memberSchema) }).openapi("MemberList");

/**
 * One config entry (service, route, consumer or issuer) as stored: the config model's fields, checked by the
 * config layer when the change is made (422 with paths relative to the entry).
 */
export const entitySchema = z.record(z.string(), z.unknown()).openapi("ConfigEntry", {
  description: "An entry of the workspace config (see the config model in the README); ids and defaults filled in",
  example: { id: "svc_V1StGXR8_Z5jdHi6", name: "users-api", targets: [{ id: "tgt_x1", url: "https://users.example.com", weight: 100 }] },
});
export const entityListSchema = z.object({ version: z.number().int(), items: z.array(entitySchema) }).openapi("ConfigEntryList");

export const configSchema = z
  .object({
    hosts: z.array(z.string()),
    services: z.array(entitySchema),
    routes: z.array(entitySchema),
    consumers: z.array(entitySchema),
    issuers: z.array(entitySchema),
  })
  .openapi("GatewayConfig");
export const versionedConfigSchema = z
  .object({ version: z.number().int(), config: configSchema, dryRun: z.boolean().optional() })
  .openapi("VersionedConfig");

export const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .max(64)
    .optional()
    .openapi({ description: 'Apply only if the config is still at this version (its ETag, e.g. `"7"`); else 412', example: '"7"' }),
});

/** The Location and ETag headers of a write that made a new version. */
export const etagHeader = z.object({ ETag: z.string().openapi({ description: 'The new config version, e.g. `"8"`', example: '"8"' }) });
