import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// A user's presence object's storage as the drizzle builder queries it; PRESENCE_MIGRATIONS
// (presence.ts) stay what is applied, test/do-schema.test.ts keeps the two in step.

/** The user's open sockets, by connection id, refreshed by their rooms (`lastSeen`, epoch ms). */
export const conns = sqliteTable("conns", {
  connId: text("conn_id").primaryKey(),
  roomId: text("room_id").notNull(),
  lastSeen: integer("last_seen").notNull(),
});
