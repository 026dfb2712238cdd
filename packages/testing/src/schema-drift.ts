import { is, SQL, sql } from "drizzle-orm";
import { getTableConfig, type SQLiteColumn, SQLiteSyncDialect, SQLiteTable } from "drizzle-orm/sqlite-core";
import { type DbIndex, type DbTable, readD1Tables, readSqlStorageTables } from "./schema-drift-read";

// The SQL migrations stay the applied truth; schema.ts is what the code queries through. This check
// keeps the two in step: every difference in tables, columns and indexes is one line of its answer.

const dialect = new SQLiteSyncDialect();

/** Renders a drizzle SQL fragment as an index/default would be written: bare column names, inlined values. */
const render = (fragment: SQL): string => dialect.sqlToQuery(sql`${fragment}`.inlineParams(), "indexes").sql;

/** Compares SQL texts loosely: case, quoting, spacing and outer parentheses do not matter. */
export function normalizeSql(text: string): string {
  let s = text
    .toLowerCase()
    .replace(/["`[\]]/g, "")
    .replace(/\s+/g, " ")
    .replace(/ ?([(),]) ?/g, "$1")
    .trim();
  while (s.startsWith("(") && s.endsWith(")") && wrapsWhole(s)) s = s.slice(1, -1).trim();
  return s;
}

function wrapsWhole(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

/** The SQL text of a column's database default (`.default()`), null when it has none (`$defaultFn` is JS-only). */
function defaultSql(column: SQLiteColumn): string | null {
  const value: unknown = column.default;
  if (value === undefined) return null;
  if (is(value, SQL)) return render(value);
  const driver: unknown = column.mapToDriverValue(value);
  if (driver === null) return "null";
  if (typeof driver === "string") return `'${driver.replaceAll("'", "''")}'`;
  return String(driver);
}

interface ExpectedIndex {
  name: string;
  unique: boolean;
  columns: string[];
  where: string | null;
}

function compareIndex(table: string, actual: DbIndex, expected: ExpectedIndex, db: string): string[] {
  const out: string[] = [];
  const at = `${table}: index ${actual.name}`;
  if (actual.unique !== expected.unique) out.push(`${at}: unique in ${db} ${actual.unique}, in schema ${expected.unique}`);
  const a = actual.columns.map(normalizeSql).join(", ");
  const e = expected.columns.map(normalizeSql).join(", ");
  if (a !== e) out.push(`${at}: columns in ${db} (${a}), in schema (${e})`);
  const aw = actual.where === null ? "none" : normalizeSql(actual.where);
  const ew = expected.where === null ? "none" : normalizeSql(expected.where);
  if (aw !== ew) out.push(`${at}: WHERE in ${db} ${aw}, in schema ${ew}`);
  return out;
}

function compareTable(actual: DbTable, table: SQLiteTable, where: string): string[] {
  const config = getTableConfig(table);
  const out: string[] = [];
  const t = config.name;
  const compositePk = config.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
  for (const column of config.columns) {
    const db = actual.columns.find((c) => c.name === column.name);
    if (!db) {
      out.push(`${t}.${column.name}: in schema, missing in ${where}`);
      continue;
    }
    const type = column.getSQLType().toLowerCase();
    if (db.type.toLowerCase() !== type) out.push(`${t}.${column.name}: type in ${where} ${db.type}, in schema ${type}`);
    const pk = column.primary ? 1 : compositePk.indexOf(column.name) + 1;
    if (db.pk !== pk) out.push(`${t}.${column.name}: primary key position in ${where} ${db.pk}, in schema ${pk}`);
    // drizzle marks every primary-key column NOT NULL; SQLite's PRAGMA reports a PK column without an
    // explicit NOT NULL as nullable, a legacy quirk no drizzle declaration can express
    if (pk === 0 && db.notNull !== column.notNull)
      out.push(`${t}.${column.name}: NOT NULL in ${where} ${db.notNull}, in schema ${column.notNull}`);
    const expectedDefault = defaultSql(column);
    const a = db.defaultSql === null ? "none" : normalizeSql(db.defaultSql);
    const e = expectedDefault === null ? "none" : normalizeSql(expectedDefault);
    if (a !== e) out.push(`${t}.${column.name}: default in ${where} ${a}, in schema ${e}`);
  }
  for (const db of actual.columns) {
    if (!config.columns.some((c) => c.name === db.name)) out.push(`${t}.${db.name}: in ${where}, missing in schema`);
  }

  // UNIQUE constraints (column `.unique()` or `unique().on()`) become sqlite_autoindex_* indexes: compared by columns
  const expectedUnique = [
    ...config.columns.filter((c) => c.isUnique).map((c) => [c.name]),
    ...config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
  ].map((cols) => cols.join(", "));
  const actualUnique = actual.indexes.filter((i) => i.origin === "u").map((i) => i.columns.join(", "));
  for (const cols of actualUnique.filter((c) => !expectedUnique.includes(c)))
    out.push(`${t}: UNIQUE (${cols}) in ${where}, missing in schema`);
  for (const cols of expectedUnique.filter((c) => !actualUnique.includes(c)))
    out.push(`${t}: UNIQUE (${cols}) in schema, missing in ${where}`);

  const expected = config.indexes.map(
    (i): ExpectedIndex => ({
      name: i.config.name,
      unique: i.config.unique,
      columns: i.config.columns.map((c) => (is(c, SQL) ? render(c) : c.name)),
      where: i.config.where ? render(i.config.where) : null,
    }),
  );
  for (const db of actual.indexes.filter((i) => i.origin === "c")) {
    const match = expected.find((e) => e.name === db.name);
    if (match) out.push(...compareIndex(t, db, match, where));
    else out.push(`${t}: index ${db.name} in ${where}, missing in schema`);
  }
  for (const e of expected) {
    if (!actual.indexes.some((i) => i.origin === "c" && i.name === e.name))
      out.push(`${t}: index ${e.name} in schema, missing in ${where}`);
  }
  return out;
}

/**
 * Compares a migrated D1 database with the drizzle tables of a schema module: tables, columns (type,
 * NOT NULL, primary key, default), UNIQUE constraints and indexes (name, unique, columns or expressions,
 * partial WHERE). Answers one human-readable line per difference, none when they agree. FTS5 virtual
 * tables and their shadow tables are SQL-only and not compared.
 *
 * @example
 * import * as schema from "../src/schema";
 * expect(await checkSchemaDrift(env.DB, schema)).toEqual([]);
 */
export async function checkSchemaDrift(db: D1Database, schema: Record<string, unknown>): Promise<string[]> {
  return compareTables(await readD1Tables(db), schema, "D1", []);
}

/**
 * {@link checkSchemaDrift} for a Durable Object: compares its migrated SQLite storage (`ctx.storage.sql`,
 * e.g. inside `runInDurableObject`) with the drizzle tables of its schema module. `ignore` names tables
 * the schema need not declare: by default `schema_version`, which packages/realtime's `migrate` keeps.
 *
 * @example
 * import * as schema from "../src/do/board.schema";
 * await runInDurableObject(stub, async (_board, state) => {
 *   expect(await checkStorageDrift(state.storage.sql, schema)).toEqual([]);
 * });
 */
export async function checkStorageDrift(
  storage: SqlStorage,
  schema: Record<string, unknown>,
  ignore: readonly string[] = ["schema_version"],
): Promise<string[]> {
  return compareTables(await readSqlStorageTables(storage), schema, "storage", ignore);
}

function compareTables(actual: DbTable[], schema: Record<string, unknown>, where: string, ignore: readonly string[]): string[] {
  const tables = Object.values(schema).filter((v): v is SQLiteTable => is(v, SQLiteTable));
  const out: string[] = [];
  for (const table of tables) {
    const name = getTableConfig(table).name;
    const found = actual.find((a) => a.name === name);
    if (found) out.push(...compareTable(found, table, where));
    else out.push(`${name}: table in schema, missing in ${where}`);
  }
  const declared = new Set([...tables.map((t) => getTableConfig(t).name), ...ignore]);
  for (const a of actual.filter((a) => !declared.has(a.name))) out.push(`${a.name}: table in ${where}, missing in schema`);
  return out;
}

/**
 * Throws, listing every difference, unless the migrated D1 database and the schema module agree.
 *
 * @example
 * import * as schema from "../src/schema";
 * it("schema.ts matches the migrations", () => expectSchemaInSync(env.DB, schema));
 */
export async function expectSchemaInSync(db: D1Database, schema: Record<string, unknown>): Promise<void> {
  const differences = await checkSchemaDrift(db, schema);
  if (differences.length > 0) {
    throw new Error(`schema.ts and the D1 migrations differ:\n- ${differences.join("\n- ")}`);
  }
}
