import { index, integer, primaryKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

// Must match migrations/chat/ (test/schema.test.ts checks tables and indexes; the FTS table and its
// triggers are only there).

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const rooms = sqliteTable("rooms", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["dm", "group"] }).notNull(),
  name: text("name"),
  // one-on-one rooms only: the two user ids, sorted, as JSON; makes "the DM of a and b" unique
  dmKey: text("dm_key").unique(),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  lastActivityAt: integer("last_activity_at").notNull(),
  deletedAt: integer("deleted_at"),
});
export type RoomRow = typeof rooms.$inferSelect;

export const roomMembers = sqliteTable(
  "room_members",
  {
    roomId: text("room_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    joinedAt: integer("joined_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user").on(t.userId, t.roomId)],
);
export type MemberRow = typeof roomMembers.$inferSelect;

/** Display names copied from accounts (see migrations/chat/0002_user_names.sql). */
export const userNames = sqliteTable("user_names", {
  userId: text("user_id").primaryKey(),
  name: text("name"),
  updatedAt: integer("updated_at").notNull(),
});

export const messageIndex = sqliteTable(
  "message_index",
  {
    id: integer("id").primaryKey(),
    messageId: text("message_id").notNull().unique(),
    roomId: text("room_id").notNull(),
    seq: integer("seq").notNull(),
    version: integer("version").notNull(),
    userId: text("user_id").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("message_index_room").on(t.roomId, t.seq)],
);

export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Consecutive failed pushes (a success resets it); see queues/push-delivery.ts. */
    failures: integer("failures").notNull().default(0),
    /** When the current run of failures began; null while the endpoint works. */
    failingSince: integer("failing_since"),
  },
  (t) => [unique().on(t.userId, t.endpoint)],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    roomId: text("room_id").notNull(),
    messageId: text("message_id").notNull(),
    senderId: text("sender_id").notNull(),
    body: text("body").notNull(),
    pushed: integer("pushed").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("notifications_user").on(t.userId, t.createdAt)],
);

/**
 * Queue messages already handled (the notify consumer; migrations/chat/0003) and the transactional
 * outbox of notification emails (migrations/chat/0005), defined once in packages/queue.
 */
export { processedMessages, queueOutbox } from "@edgeworks/queue";

/** Chat email settings and 15-minute windows (migrations/chat/0006), defined with the email code. */
export { emailSettings, emailWindows } from "./queues/email-tables";
