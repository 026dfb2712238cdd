import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The tables of chat's notification emails (migrations/chat/0006_email_settings.sql); src/schema.ts
// re-exports them, so the drift check sees them.

/** Per-user chat email setting; no row means emails on. */
export const emailSettings = sqliteTable("email_settings", {
  userId: text("user_id").primaryKey(),
  /** 1: notification emails on (the default); 0: off (`PATCH /notifications/settings` or the unsubscribe link). */
  email: integer("email").notNull().default(1),
  /** The unsubscribe link's token (32 random bytes, base64url); it can only turn this user's chat emails off. */
  unsubscribeToken: text("unsubscribe_token").notNull().unique(),
  updatedAt: integer("updated_at").notNull(),
});

/** The open email window of each (recipient, room): one email per 15 minutes, for the message that opened it. */
export const emailWindows = sqliteTable(
  "email_windows",
  {
    userId: text("user_id").notNull(),
    roomId: text("room_id").notNull(),
    /** The `createdAt` (ms) of the message whose email opened the window. */
    windowStart: integer("window_start").notNull(),
    messageId: text("message_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId] })],
);
