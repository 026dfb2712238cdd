import { is, SQL, type SQLWrapper } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./deps";

const dialect = new SQLiteSyncDialect();

/**
 * Runs statements as one D1 batch (one transaction: all or nothing): `sql` ones (recursive CTEs,
 * conditional writes computed from the row) mixed with builder queries. drizzle's `db.batch` takes only
 * builder queries, and `db.run(sql)` executes at once, so the mix goes through D1 directly.
 */
export async function runBatch<T = Record<string, unknown>>(db: Db, statements: (SQL | SQLWrapper)[]): Promise<D1Result<T>[]> {
  const d1 = (db as Db & { $client: D1Database }).$client;
  return d1.batch<T>(
    statements.map((s) => {
      const { sql, params } = dialect.sqlToQuery(is(s, SQL) ? s : s.getSQL());
      return d1.prepare(sql).bind(...params);
    }),
  );
}
