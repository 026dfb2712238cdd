import { runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { migrate, schemaVersion } from "../src";
import { roomOf } from "./sockets";

// A product whose object prefers the drizzle builder: `migrate` owns the schema (SQL steps, e.g. from
// drizzle-kit), drizzle's durable-sqlite driver queries it, inside workerd.
const members = sqliteTable("members", {
  userId: text("user_id").primaryKey(),
  muted: integer("muted", { mode: "boolean" }).notNull().default(false),
});

describe("drizzle's durable-sqlite driver over migrated storage", () => {
  it("queries and writes the tables the migrations made", async () => {
    await runInDurableObject(roomOf("drizzle"), async (_room, state) => {
      expect(schemaVersion(state.storage.sql)).toBe(2);
      const db = drizzle(state.storage);
      db.insert(members).values({ userId: "ann" }).run();
      db.update(members).set({ muted: true }).where(eq(members.userId, "ann")).run();
      expect(db.select().from(members).all()).toEqual([{ userId: "ann", muted: true }]);
      // a later step added by a deploy is applied once, then drizzle sees its column
      migrate(state.storage, [
        (sql: SqlStorage) => sql.exec("SELECT 1"),
        (sql: SqlStorage) => sql.exec("SELECT 1"),
        "CREATE INDEX members_muted ON members (muted)",
      ]);
      expect(schemaVersion(state.storage.sql)).toBe(3);
    });
  });
});
