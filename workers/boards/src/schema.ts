import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ROLES } from "./validation";

// Drizzle tables of the boards database: the cross-board index. Each board's own state lives in its
// Board Durable Object; D1 holds what spans boards, kept in sync by the Durable Object. Must match
// migrations/boards/ (test/schema.test.ts checks it).

/**
 * Who belongs to which board, and as what (mirror of the board's own member table): "my boards",
 * the cheap 404 for strangers before a Durable Object is touched, and the calendar feed's boards.
 * `createdAt` is the board's creation time.
 */
export const boardMembers = sqliteTable(
  "board_members",
  {
    boardId: text("board_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    boardName: text("board_name").notNull(),
    isTemplate: integer("is_template", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.userId] }), index("board_members_user").on(t.userId, sql`${t.createdAt} DESC`, t.boardId)],
);
export type BoardMemberRow = typeof boardMembers.$inferSelect;

/** One iCalendar feed per user: only the SHA-256 of the secret is stored and looked up. */
export const calendarFeeds = sqliteTable("calendar_feeds", {
  userId: text("user_id").primaryKey(),
  secretHash: text("secret_hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});
