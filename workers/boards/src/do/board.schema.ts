import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import type { Role } from "../validation";

// A board's Durable Object storage as the drizzle builder queries it. BOARD_MIGRATIONS (board-schema.ts)
// stays what is applied to storage; test/do-schema.test.ts fails when the two differ. Times are epoch ms.

/** The board itself: one row, soft-deleted by `deletedAt`. */
export const boardTable = sqliteTable("board", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  isTemplate: integer("is_template", { mode: "boolean" }).notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  deletedAt: integer("deleted_at"),
});

export const members = sqliteTable("members", {
  userId: text("user_id").primaryKey(),
  role: text("role").$type<Role>().notNull(),
  addedAt: integer("added_at").notNull(),
});

/** Positions are unique per board, so even a bug could never store two lists at one position. */
export const lists = sqliteTable("lists", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  pos: text("pos").notNull().unique(),
  done: integer("done", { mode: "boolean" }).notNull().default(false),
  archived: integer("archived", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const cards = sqliteTable(
  "cards",
  {
    id: text("id").primaryKey(),
    listId: text("list_id").notNull(),
    pos: text("pos").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    dueAt: integer("due_at"),
    labels: text("labels", { mode: "json" }).$type<string[]>().notNull().default([]),
    assignees: text("assignees", { mode: "json" }).$type<string[]>().notNull().default([]),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [unique().on(t.listId, t.pos), index("cards_due").on(t.dueAt).where(sql`${t.dueAt} IS NOT NULL`)],
);

export const checklists = sqliteTable(
  "checklists",
  {
    id: text("id").primaryKey(),
    cardId: text("card_id").notNull(),
    title: text("title").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("checklists_card").on(t.cardId)],
);

export const checklistItems = sqliteTable(
  "checklist_items",
  {
    id: text("id").primaryKey(),
    checklistId: text("checklist_id").notNull(),
    cardId: text("card_id").notNull(),
    text: text("text").notNull(),
    done: integer("done", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("checklist_items_card").on(t.cardId)],
);

export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    cardId: text("card_id").notNull(),
    authorId: text("author_id").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
  },
  (t) => [index("comments_card").on(t.cardId)],
);

/** Attachment metadata; the bytes live in R2 under `r2Key`. */
export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    cardId: text("card_id").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("attachments_card").on(t.cardId)],
);

/** `blockerId` blocks `cardId`. */
export const dependencies = sqliteTable(
  "dependencies",
  {
    cardId: text("card_id").notNull(),
    blockerId: text("blocker_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.blockerId] }), index("dependencies_blocker").on(t.blockerId)],
);

/** The numbered event log: sockets replay it after `since`, the activity feed pages through it. */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    type: text("type").notNull(),
    actorId: text("actor_id").notNull(),
    at: integer("at").notNull(),
    listId: text("list_id"),
    cardId: text("card_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index("events_card").on(t.cardId, t.seq).where(sql`${t.cardId} IS NOT NULL`)],
);

/** WebSocket tickets: packages/realtime's SocketHub owns them (TICKETS_DDL); declared so drift checks see them. */
export const tickets = sqliteTable("tickets", {
  hash: text("hash").primaryKey(),
  userId: text("user_id").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export type BoardRow = typeof boardTable.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type ListRow = typeof lists.$inferSelect;
export type CardRow = typeof cards.$inferSelect;
export type ChecklistRow = typeof checklists.$inferSelect;
export type ItemRow = typeof checklistItems.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
export type DependencyRow = typeof dependencies.$inferSelect;
export type EventRow = typeof events.$inferSelect;
