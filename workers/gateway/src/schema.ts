import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The gateway's D1 tables: workspaces and their members, the immutable config versions, the consumers'
 * API keys (hashed; never part of a config), per-route cache generations and the hostnames workspaces own.
 * Times are epoch milliseconds. The source of truth for tables and indexes: migrations/gateway/*.sql must
 * say the same, and test/conformance.test.ts (schema drift) fails when they disagree.
 */
export const workspaces = sqliteTable("workspaces", {
  /** `ws_` + nanoid. */
  id: text("id").primaryKey(),
  /** The `/gw/{slug}/…` path segment and the admin API's `{ws}`. */
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** The config version in force (1 = the empty config written at creation). */
  currentVersion: integer("current_version").notNull(),
  /** Bumped by every config version, key change and purge: the snapshot cache's key. */
  revision: integer("revision").notNull(),
});

export type WorkspaceRow = typeof workspaces.$inferSelect;

export const workspaceMembers = sqliteTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id").notNull(),
    userId: text("user_id").notNull(),
    /** `owner` | `admin` | `viewer`. */
    role: text("role").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  // "my workspaces" reads by user
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("workspace_members_user").on(t.userId, t.workspaceId)],
);

export type WorkspaceMemberRow = typeof workspaceMembers.$inferSelect;

export const configVersions = sqliteTable(
  "config_versions",
  {
    workspaceId: text("workspace_id").notNull(),
    version: integer("version").notNull(),
    /** The whole GatewayConfig as JSON (validated when written). */
    config: text("config").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    message: text("message").notNull(),
  },
  // the primary key is what makes a lost race fail: two writers of version N+1 cannot both insert it
  (t) => [primaryKey({ columns: [t.workspaceId, t.version] })],
);

export type ConfigVersionRow = typeof configVersions.$inferSelect;

export const consumerKeys = sqliteTable(
  "consumer_keys",
  {
    /** `key_` + nanoid. */
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
    consumerId: text("consumer_id").notNull(),
    /** SHA-256 of the whole key, lower-case hex; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull().unique(),
    /** The key's first characters (`ewg_` + 6), to recognise it in a list. */
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("consumer_keys_consumer").on(t.workspaceId, t.consumerId, t.createdAt)],
);

export type ConsumerKeyRow = typeof consumerKeys.$inferSelect;

export const cacheGenerations = sqliteTable(
  "cache_generations",
  {
    workspaceId: text("workspace_id").notNull(),
    routeId: text("route_id").notNull(),
    /** Part of every cache key of the route: bumping it purges the route. */
    generation: integer("generation").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.routeId] })],
);

export const workspaceHosts = sqliteTable(
  "workspace_hosts",
  {
    /** Lower-case hostname: one workspace per host (the primary key refuses a second claim). */
    host: text("host").primaryKey(),
    workspaceId: text("workspace_id").notNull(),
  },
  (t) => [index("workspace_hosts_workspace").on(t.workspaceId)],
);

// Idempotency keys of retried creates (packages/http's idempotency() middleware).
export { idempotencyKeys } from "@edgeworks/http/schema";
export * from "./analytics/schema";
