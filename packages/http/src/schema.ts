// The drizzle schema of the tables packages/http's middleware keeps in a product's D1 database. A product
// re-exports what it uses from its own src/schema.ts (so the schema-drift test compares it with its
// migrations): `export { idempotencyKeys } from "@edgeworks/http/schema";`. Kept out of the main entry so
// that products without these tables do not load drizzle for them.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Idempotency keys, kept by the idempotency() middleware (its IDEMPOTENCY_DDL): the first response is stored
 * so that a retry replays it exactly; `response` is null while the first request runs. The primary key
 * (user_id, key) lets exactly one of two concurrent requests reserve a key.
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
