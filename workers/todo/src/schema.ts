import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per todo. Times are epoch milliseconds; `completed` is derived from `completed_at` so the
 * two can never disagree. `priority` is stored as its rank (0 low … 3 urgent) so that sorting by it is
 * an index scan. `tags` is a JSON array (deduplicated case-insensitively by the service): a list page
 * reads them with the row, in the same single query, and filters use `json_each`.
 * Must match migrations/todo/0001_init.sql.
 */
export const todos = sqliteTable(
  "todos",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    completedAt: integer("completed_at"),
    dueAt: integer("due_at"),
    priority: integer("priority").notNull().default(1),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    position: real("position").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    check("todos_priority_rank", sql`priority BETWEEN 0 AND 3`),
    check("todos_tags_array", sql`json_valid(tags) AND json_type(tags) = 'array'`),
    // partial indexes: every query is scoped to one user's live todos; one per sort column
    index("todos_user_created").on(t.userId, t.createdAt, t.id).where(sql`deleted_at IS NULL`),
    // dueAt sorts nulls last in both orders: one expression index per order
    index("todos_user_due_asc").on(t.userId, sql`due_at IS NULL`, t.dueAt, t.id).where(sql`deleted_at IS NULL`),
    index("todos_user_due_desc").on(t.userId, sql`due_at IS NOT NULL`, t.dueAt, t.id).where(sql`deleted_at IS NULL`),
    index("todos_user_priority").on(t.userId, t.priority, t.id).where(sql`deleted_at IS NULL`),
    index("todos_user_position").on(t.userId, t.position, t.id).where(sql`deleted_at IS NULL`),
  ],
);

export type TodoRow = typeof todos.$inferSelect;

// Idempotency keys of this product's retried writes, kept by packages/http's idempotency() middleware.
export { idempotencyKeys } from "@edgeworks/http/schema";
