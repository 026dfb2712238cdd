import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Idempotency keys of every mutating route, kept by packages/http's idempotency() middleware (its
 * IDEMPOTENCY_DDL): the first response is stored so that a retry replays it exactly; `response` is null
 * while the first request runs. The primary key (user_id, key) lets exactly one of two concurrent
 * requests reserve a key. Anonymous carts use `anon:<cart id>` as the owner.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    response: text("response"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
