import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { beforeEach, describe, expect, it } from "vitest";
import { checkSchemaDrift, expectSchemaInSync } from "../src/schema-drift";
import { parseCreateIndex } from "../src/schema-drift-read";

const { DB } = env as unknown as { DB: D1Database };

// The migration the schemas below are checked against: a partial index, an expression index, a
// UNIQUE constraint, defaults, and an FTS5 table (SQL-only, so never reported).
const MIGRATION = [
  "CREATE TABLE items (id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, rank INTEGER NOT NULL DEFAULT 1, tags TEXT NOT NULL DEFAULT '[]', due_at INTEGER, deleted_at INTEGER)",
  "CREATE INDEX items_user ON items (user_id, due_at IS NULL, id DESC) WHERE deleted_at IS NULL",
  "CREATE UNIQUE INDEX items_title ON items (title COLLATE NOCASE)",
  "CREATE VIRTUAL TABLE items_fts USING fts5 (title, content = 'items')",
];

const columns = {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull(),
  code: text("code").notNull().unique(),
  title: text("title").notNull(),
  rank: integer("rank").notNull().default(1),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  dueAt: integer("due_at"),
  deletedAt: integer("deleted_at"),
};

const inSync = {
  items: sqliteTable("items", columns, (t) => [
    index("items_user").on(t.userId, sql`${t.dueAt} IS NULL`, sql`${t.id} desc`).where(sql`${t.deletedAt} IS NULL`),
    uniqueIndex("items_title").on(sql`${t.title} COLLATE NOCASE`),
  ]),
  notATable: "ignored",
};

beforeEach(async () => {
  const existing = await DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'items_fts%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  ).all<{ name: string }>();
  await DB.batch([
    DB.prepare("DROP TABLE IF EXISTS items_fts"),
    ...existing.results.map((r) => DB.prepare(`DROP TABLE IF EXISTS "${r.name}"`)),
    ...MIGRATION.map((s) => DB.prepare(s)),
  ]);
});

describe("checkSchemaDrift", () => {
  it("answers nothing when schema and migration agree (FTS5 tables are left out)", async () => {
    expect(await checkSchemaDrift(DB, inSync)).toEqual([]);
    await expectSchemaInSync(DB, inSync);
  });

  it("reports a column the schema does not declare", async () => {
    const { dueAt: _dueAt, ...withoutDueAt } = columns;
    const schema = { items: sqliteTable("items", withoutDueAt, (t) => [uniqueIndex("items_title").on(sql`${t.title} COLLATE NOCASE`)]) };
    const drift = await checkSchemaDrift(DB, schema);
    expect(drift).toContain("items.due_at: in D1, missing in schema");
    expect(drift).toContain("items: index items_user in D1, missing in schema");
    await expect(expectSchemaInSync(DB, schema)).rejects.toThrow(/items\.due_at: in D1, missing in schema/);
  });

  it("reports a column and an index that the migration lacks", async () => {
    const schema = {
      items: sqliteTable("items", { ...columns, extra: text("extra") }, (t) => [
        index("items_user").on(t.userId, sql`${t.dueAt} IS NULL`, sql`${t.id} desc`).where(sql`${t.deletedAt} IS NULL`),
        uniqueIndex("items_title").on(sql`${t.title} COLLATE NOCASE`),
        index("items_code").on(t.code),
      ]),
    };
    expect(await checkSchemaDrift(DB, schema)).toEqual([
      "items.extra: in schema, missing in D1",
      "items: index items_code in schema, missing in D1",
    ]);
  });

  it("reports differing index columns, uniqueness and WHERE", async () => {
    const schema = {
      items: sqliteTable("items", columns, (t) => [
        index("items_user").on(t.userId, t.id),
        index("items_title").on(sql`${t.title} COLLATE NOCASE`),
      ]),
    };
    expect(await checkSchemaDrift(DB, schema)).toEqual([
      "items: index items_title: unique in D1 true, in schema false",
      "items: index items_user: columns in D1 (user_id, due_at is null, id desc), in schema (user_id, id)",
      "items: index items_user: WHERE in D1 deleted_at is null, in schema none",
    ]);
  });

  it("reports types, NOT NULL, defaults, UNIQUE constraints and missing tables", async () => {
    const schema = {
      items: sqliteTable(
        "items",
        { ...columns, code: text("code").notNull(), rank: integer("rank").default(2), tags: integer("tags").notNull().default(sql`'[]'`) },
        (t) => [
          index("items_user").on(t.userId, sql`${t.dueAt} IS NULL`, sql`${t.id} desc`).where(sql`${t.deletedAt} IS NULL`),
          uniqueIndex("items_title").on(sql`${t.title} COLLATE NOCASE`),
        ],
      ),
      others: sqliteTable("others", { id: text("id").primaryKey() }),
    };
    expect(await checkSchemaDrift(DB, schema)).toEqual([
      "items.rank: NOT NULL in D1 true, in schema false",
      "items.rank: default in D1 1, in schema 2",
      "items.tags: type in D1 TEXT, in schema integer",
      "items: UNIQUE (code) in D1, missing in schema",
      "others: table in schema, missing in D1",
    ]);
  });

  it("reports a D1 table the schema does not declare", async () => {
    await DB.prepare("CREATE TABLE stray (id TEXT PRIMARY KEY)").run();
    expect(await checkSchemaDrift(DB, inSync)).toEqual(["stray: table in D1, missing in schema"]);
  });
});

describe("parseCreateIndex", () => {
  it("splits columns at the top level only and keeps the WHERE text", () => {
    expect(parseCreateIndex("CREATE INDEX x ON t (a, coalesce(b, ','), c DESC) WHERE d IS NULL AND (e > 1)")).toEqual({
      columns: ["a", "coalesce(b, ',')", "c DESC"],
      where: "d IS NULL AND (e > 1)",
    });
  });
});
