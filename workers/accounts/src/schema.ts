import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Drizzle tables of the accounts database. Times are epoch milliseconds; secrets (passwords, refresh
 * tokens, one-time tokens, API keys) are stored only as hashes. Must match migrations/accounts/ (0001_init.sql and what follows).
 */

/** One row per account. `email` is stored normalised (trimmed, lower case), so uniqueness is case-insensitive. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash").notNull(),
    emailVerifiedAt: integer("email_verified_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** A new address asked for and not yet verified: it receives nothing but its verification link. */
    pendingEmail: text("pending_email"),
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);
export type UserRow = typeof users.$inferSelect;

/** A session is one refresh-token family: every rotation stays in it; revoking it ends the session. Its id is the `sid` claim. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/**
 * Refresh tokens, by SHA-256. `usedAt` is set when the token is rotated and `replacedBy` names its successor,
 * so a second use of the same token is detected as reuse.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    replacedBy: text("replaced_by"),
  },
  (t) => [index("refresh_tokens_session").on(t.sessionId)],
);

export const ONE_TIME_TOKEN_KINDS = ["email_verification", "password_reset", "email_revert"] as const;
export type OneTimeTokenKind = (typeof ONE_TIME_TOKEN_KINDS)[number];

/**
 * Email-verification, password-reset and email-revert tokens, by SHA-256; single use. `email` is the
 * address the token was sent to (for a revert: the address it restores).
 */
export const oneTimeTokens = sqliteTable(
  "one_time_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    kind: text("kind", { enum: ONE_TIME_TOKEN_KINDS }).notNull(),
    userId: text("user_id").notNull(),
    email: text("email").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("one_time_tokens_user").on(t.userId, t.kind).where(sql`used_at IS NULL`)],
);

/** API keys: looked up by their non-secret `prefix`, compared by SHA-256 `keyHash`. Revoked keys keep their row. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_prefix").on(t.prefix),
    index("api_keys_user_created").on(t.userId, t.createdAt, t.id).where(sql`revoked_at IS NULL`),
  ],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const OUTBOX_KINDS = ["email_verification", "password_reset", "email_change_notice"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** Emails to send, drained by a later sender (which sets `sentAt`). `payload` holds the template data, including links. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    // listed newest first; rowid (in every index) breaks ties
    index("outbox_created").on(t.createdAt),
    index("outbox_to_created").on(t.toEmail, t.createdAt),
    index("outbox_unsent").on(t.createdAt).where(sql`sent_at IS NULL`),
  ],
);
export type OutboxRow = typeof outbox.$inferSelect;

/**
 * Platform roles held by users (`shop:admin`, `platform:admin`, ...): who the user is, carried in access
 * tokens' `roles` claim. `grantedBy` is the granting admin's user id, `ADMIN_EMAILS` (bootstrap) or `cli`.
 */
export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    grantedBy: text("granted_by").notNull(),
    grantedAt: integer("granted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index("user_roles_role").on(t.role, t.userId)],
);
export type UserRoleRow = typeof userRoles.$inferSelect;

export const ROLE_ACTIONS = ["grant", "revoke"] as const;

/** The audit trail of role changes: one row per grant or revoke that happened, never updated. */
export const roleAudit = sqliteTable(
  "role_audit",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    action: text("action", { enum: ROLE_ACTIONS }).notNull(),
    actor: text("actor").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("role_audit_user_created").on(t.userId, t.createdAt), check("role_audit_action", sql`action IN ('grant', 'revoke')`)],
);

// Idempotency keys of this product's retried writes, kept by packages/http's idempotency() middleware.
export { idempotencyKeys } from "@edgeworks/http/schema";

/** The mail service's outbox (packages/queue's transactional outbox, topic "mail"): every email also goes there. */
export { queueOutbox } from "@edgeworks/queue";
