/**
 * One schema change of a Durable Object's SQLite storage: SQL text (several statements may be given
 * at once) or a function for what SQL alone cannot say.
 */
export type MigrationStep = string | ((sql: SqlStorage) => void);

/** The table that records how many steps a storage has applied. */
const VERSION_DDL = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

/**
 * Brings an object's storage up to date: applies the `steps` it has not seen yet, in order, in one
 * transaction, and records the count in `schema_version` (one row). Call it in the constructor's
 * `blockConcurrencyWhile`, so no request sees a half-migrated object. Append steps, never edit one
 * that is deployed. Storage written by a newer deploy (more steps than given) is left as it is, so a
 * rolled-back deploy still opens its objects. Returns the version the storage is at.
 *
 * A first step written with `IF NOT EXISTS` adopts objects created before they had a version.
 *
 * @example
 * ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, ROOM_MIGRATIONS));
 */
export function migrate(storage: DurableObjectStorage, steps: readonly MigrationStep[]): number {
  return storage.transactionSync(() => {
    const sql = storage.sql;
    sql.exec(VERSION_DDL);
    const row = sql.exec("SELECT version FROM schema_version").toArray()[0];
    const current = row === undefined ? 0 : Number(row.version);
    if (current >= steps.length) return current;
    for (const step of steps.slice(current)) {
      if (typeof step === "string") sql.exec(step);
      else step(sql);
    }
    if (row === undefined) sql.exec("INSERT INTO schema_version (version) VALUES (?)", steps.length);
    else sql.exec("UPDATE schema_version SET version = ?", steps.length);
    return steps.length;
  });
}

/**
 * The version recorded by {@link migrate} (0 for storage it never ran on).
 *
 * @example expect(schemaVersion(state.storage.sql)).toBe(2);
 */
export function schemaVersion(sql: SqlStorage): number {
  const exists = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").toArray().length > 0;
  if (!exists) return 0;
  const row = sql.exec("SELECT version FROM schema_version").toArray()[0];
  return row === undefined ? 0 : Number(row.version);
}
