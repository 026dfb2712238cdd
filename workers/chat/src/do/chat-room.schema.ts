import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import type { AttachmentView } from "./chat-room.events";

// A chat room's Durable Object storage as the drizzle builder queries it. ROOM_MIGRATIONS
// (room-store.ts) stay what is applied to storage; test/do-schema.test.ts fails when the two differ.
// Times are epoch ms.

/** The room's own facts (its id, once bound). */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * The numbered event log sockets replay after `since`; `body` is the event without type and seq. The
 * edits of a message are indexed by its id (a delete redacts them).
 */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey(),
    type: text("type").notNull(),
    body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("events_edited_message").on(sql`json_extract(${t.body}, '$.messageId')`).where(sql`${t.type} = 'edited'`)],
);

/** Messages as history shows them; one per sender and client id, so a resent frame is not stored twice. */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    seq: integer("seq").notNull().unique(),
    userId: text("user_id").notNull(),
    clientId: text("client_id").notNull(),
    text: text("text").notNull(),
    attachments: text("attachments", { mode: "json" }).$type<AttachmentView[]>().notNull(),
    createdAt: integer("created_at").notNull(),
    editedAt: integer("edited_at"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [unique().on(t.userId, t.clientId)],
);

export const reactions = sqliteTable(
  "reactions",
  {
    messageId: text("message_id").notNull(),
    userId: text("user_id").notNull(),
    emoji: text("emoji").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })],
);

/** WebSocket tickets: packages/realtime's SocketHub owns them (TICKETS_DDL); declared so drift checks see them. */
export const tickets = sqliteTable("tickets", {
  hash: text("hash").primaryKey(),
  userId: text("user_id").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/** Each member's read position (a seq). */
export const reads = sqliteTable("reads", {
  userId: text("user_id").primaryKey(),
  seq: integer("seq").notNull(),
});

/** Members online elsewhere, as their presence objects last announced (numbered by `version`). */
export const presence = sqliteTable("presence", {
  userId: text("user_id").primaryKey(),
  online: integer("online", { mode: "boolean" }).notNull(),
  version: integer("version").notNull(),
});

/** Uploads registered by the Worker; `messageId` is set once a message carries one. */
export const attachments = sqliteTable("attachments", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull(),
  name: text("name").notNull(),
  contentType: text("content_type").notNull(),
  size: integer("size").notNull(),
  createdAt: integer("created_at").notNull(),
  messageId: text("message_id"),
});
