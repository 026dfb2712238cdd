import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

// Must match migrations/notes/0001_init.sql (test/schema.test.ts checks tables and indexes; checks, the
// FTS5 table and its triggers live only there).

/** Nested notebooks; `parentId` is another notebook of the same user, null at the top level. */
export const notebooks = sqliteTable(
  "notebooks",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    parentId: text("parent_id"),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("notebooks_user_live").on(t.userId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    index("notebooks_parent").on(t.parentId),
    // the purge of expired trash finds deleted rows by age
    index("notebooks_purge").on(t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);
export type NotebookRow = typeof notebooks.$inferSelect;

/** Notes; `seq` is the rowid of the FTS5 index, `version` the ETag. */
export const notes = sqliteTable(
  "notes",
  {
    seq: integer("seq").primaryKey(),
    id: text("id").notNull().unique(),
    userId: text("user_id").notNull(),
    notebookId: text("notebook_id").notNull(),
    title: text("title").notNull(),
    content: text("content").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    archivedAt: integer("archived_at"),
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    // lists: pinned first, then most recently updated, ties by id (the keyset order)
    index("notes_user_list")
      .on(t.userId, sql`${t.pinned} DESC`, sql`${t.updatedAt} DESC`, sql`${t.id} DESC`)
      .where(sql`deleted_at IS NULL`),
    index("notes_notebook_list")
      .on(t.notebookId, sql`${t.pinned} DESC`, sql`${t.updatedAt} DESC`, sql`${t.id} DESC`)
      .where(sql`deleted_at IS NULL`),
    index("notes_notebook").on(t.notebookId),
    index("notes_trash").on(t.userId, sql`${t.deletedAt} DESC`, sql`${t.id} DESC`).where(sql`deleted_at IS NOT NULL`),
    index("notes_purge").on(t.deletedAt).where(sql`deleted_at IS NOT NULL`),
  ],
);
export type NoteRow = typeof notes.$inferSelect;

/** One row per title/content state of a note. */
export const revisions = sqliteTable(
  "revisions",
  {
    id: text("id").primaryKey(),
    noteId: text("note_id").notNull(),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    content: text("content").notNull(),
    authorId: text("author_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  // two concurrent edits of one version cannot both record a revision
  (t) => [unique().on(t.noteId, t.version)],
);

export const ITEM_TYPES = ["note", "notebook"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const ROLES = ["viewer", "editor"] as const;
export type Role = (typeof ROLES)[number];

/** A note or notebook shared with another user. */
export const shares = sqliteTable(
  "shares",
  {
    itemType: text("item_type", { enum: ITEM_TYPES }).notNull(),
    itemId: text("item_id").notNull(),
    ownerId: text("owner_id").notNull(),
    granteeId: text("grantee_id").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.itemType, t.itemId, t.granteeId] }),
    index("shares_grantee").on(t.granteeId, sql`${t.createdAt} DESC`, t.itemId),
  ],
);

/** The public read-only link of a note (only the token's SHA-256 is kept). */
export const publicLinks = sqliteTable("public_links", {
  noteId: text("note_id").primaryKey(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});

/** Files attached to a note; the bytes live in R2 under `r2Key`. */
export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    noteId: text("note_id").notNull(),
    ownerId: text("owner_id").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("attachments_note").on(t.noteId, t.createdAt, t.id)],
);
export type AttachmentRow = typeof attachments.$inferSelect;
