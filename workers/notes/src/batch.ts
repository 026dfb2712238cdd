import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./deps";

const dialect = new SQLiteSyncDialect();

/**
 * Runs raw SQL statements as one D1 batch (one transaction: all or nothing). drizzle's `db.batch` takes
 * only query builders, and `db.run(sql)` executes at once, so raw statements go through D1 directly.
 */
export async function runBatch<T = Record<string, unknown>>(db: Db, statements: SQL[]): Promise<D1Result<T>[]> {
  const d1 = (db as Db & { $client: D1Database }).$client;
  return d1.batch<T>(
    statements.map((s) => {
      const { sql, params } = dialect.sqlToQuery(s);
      return d1.prepare(sql).bind(...params);
    }),
  );
}
