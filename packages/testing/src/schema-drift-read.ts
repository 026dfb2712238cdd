// Reads what the migrations actually built: tables, columns and indexes of a D1 database or of a
// Durable Object's SQLite storage, through sqlite_master and the table_info/index_list/index_info
// pragmas. Used by schema-drift.ts.

/** A column as `PRAGMA table_info` reports it. */
export interface DbColumn {
  name: string;
  type: string;
  notNull: boolean;
  /** 1-based position in the primary key, 0 when not part of it. */
  pk: number;
  /** The default's SQL text as written in the migration, null when none. */
  defaultSql: string | null;
}

/** An index of a table: `origin` c = CREATE INDEX, u = UNIQUE constraint, pk = primary key. */
export interface DbIndex {
  name: string;
  unique: boolean;
  origin: string;
  /** Column names, or expression texts (`due_at IS NULL`, `username COLLATE NOCASE`, `pinned DESC`). */
  columns: string[];
  where: string | null;
}

/** The tables a drift check compares: everything but SQLite's, D1's and Cloudflare's own, and FTS5. */
export interface DbTable {
  name: string;
  columns: DbColumn[];
  indexes: DbIndex[];
}

const FTS5_SHADOW_SUFFIXES = ["_data", "_idx", "_content", "_docsize", "_config"];
const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs one read-only query and answers its rows (D1's `prepare().all()`, or `SqlStorage.exec`). */
type Query = <T>(sql: string) => Promise<T[]>;

/**
 * Every ordinary table of `db` with its columns and indexes. Virtual tables (FTS5) and their shadow
 * tables stay SQL-only, so they are left out, as are `sqlite_*`, `d1_*` and `_cf_*` tables.
 *
 * @example const tables = await readD1Tables(env.DB);
 */
export function readD1Tables(db: D1Database): Promise<DbTable[]> {
  return readTables(async <T>(sql: string) => (await db.prepare(sql).all<T>()).results);
}

/**
 * The same for a Durable Object's SQLite storage (`ctx.storage.sql`, e.g. inside `runInDurableObject`).
 *
 * @example const tables = await readSqlStorageTables(state.storage.sql);
 */
export function readSqlStorageTables(storage: SqlStorage): Promise<DbTable[]> {
  return readTables(async <T>(sql: string) => storage.exec(sql).toArray() as T[]);
}

async function readTables(query: Query): Promise<DbTable[]> {
  const master = await query<{ type: string; name: string; tableName: string; sql: string | null }>(
    "SELECT type, name, tbl_name AS tableName, sql FROM sqlite_master WHERE type IN ('table', 'index')",
  );
  const virtual = master.filter((r) => r.type === "table" && /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? ""));
  const isShadow = (name: string) => virtual.some((v) => FTS5_SHADOW_SUFFIXES.some((s) => name === `${v.name}${s}`));
  const names = master
    .filter((r) => r.type === "table" && !virtual.includes(r) && !isShadow(r.name) && !/^(sqlite_|d1_|_cf_)/i.test(r.name))
    .map((r) => r.name);
  const indexSql = new Map(master.filter((r) => r.type === "index").map((r) => [r.name, r.sql]));
  const tables: DbTable[] = [];
  for (const name of names.sort()) {
    const columns = await query<{ name: string; type: string; notnull: number; pk: number; dflt_value: string | null }>(
      `PRAGMA table_info(${quoteName(name)})`,
    );
    const list = await query<{ name: string; unique: number; origin: string }>(`PRAGMA index_list(${quoteName(name)})`);
    const indexes: DbIndex[] = [];
    for (const idx of list.sort((a, b) => a.name.localeCompare(b.name))) {
      const sql = indexSql.get(idx.name) ?? null;
      // an explicit CREATE INDEX keeps its text (expressions, COLLATE, DESC, WHERE); constraint
      // indexes have none, so their plain columns come from index_info
      const parsed = sql ? parseCreateIndex(sql) : null;
      const columnNames = parsed
        ? parsed.columns
        : (await query<{ seqno: number; name: string }>(`PRAGMA index_info(${quoteName(idx.name)})`))
            .sort((a, b) => a.seqno - b.seqno)
            .map((c) => c.name);
      indexes.push({ name: idx.name, unique: idx.unique === 1, origin: idx.origin, columns: columnNames, where: parsed?.where ?? null });
    }
    tables.push({
      name,
      columns: columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull === 1, pk: c.pk, defaultSql: c.dflt_value })),
      indexes,
    });
  }
  return tables;
}

/** Splits `CREATE [UNIQUE] INDEX n ON t (a, lower(b), c DESC) WHERE x` into its column texts and WHERE text. */
export function parseCreateIndex(sql: string): { columns: string[]; where: string | null } {
  const on = sql.search(/\sON\s/i);
  const open = sql.indexOf("(", on);
  const columns: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open + 1;
  let close = sql.length;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) {
      close = i;
      break;
    } else if (ch === "," && depth === 1) {
      columns.push(sql.slice(start, i).trim());
      start = i + 1;
    }
  }
  columns.push(sql.slice(start, close).trim());
  const rest = sql.slice(close + 1).trim();
  return { columns, where: /^WHERE\s/i.test(rest) ? rest.replace(/^WHERE\s+/i, "") : null };
}
