import type { SQL } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";

/** The drizzle database of this Worker (tables in ./schema), with its D1 client. */
export type BlogDb = DrizzleD1Database & { $client: D1Database };

/** The drizzle database over the Worker's D1 binding. */
export const blogDb = (d1: D1Database): BlogDb => drizzle(d1);

/** A UNIQUE constraint refused the write (drizzle wraps the driver's error in `cause`). */
export const isUniqueViolation = (err: unknown): boolean =>
  err instanceof Error && (/UNIQUE constraint failed/i.test(err.message) || isUniqueViolation(err.cause));

const dialect = new SQLiteSyncDialect();

/**
 * Reads with `sql` statements (FTS5 MATCH, which the builder cannot join) as one D1 batch, so they
 * see the same snapshot; drizzle's `db.batch` takes only builder queries.
 *
 * @example const [hits, total] = await readBatch<[Hit, Count]>(db, [hitsSql, countSql]);
 */
export async function readBatch<T extends unknown[]>(db: BlogDb, statements: { [K in keyof T]: SQL }): Promise<{ [K in keyof T]: T[K][] }> {
  const results = await db.$client.batch(
    statements.map((s) => {
      const query = dialect.sqlToQuery(s);
      return db.$client.prepare(query.sql).bind(...query.params);
    }),
  );
  return results.map((r) => r.results) as { [K in keyof T]: T[K][] };
}
