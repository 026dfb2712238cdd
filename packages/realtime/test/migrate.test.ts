import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate, schemaVersion, unwrap } from "../src";
import { roomOf } from "./sockets";
import { ROOM_MIGRATIONS } from "./worker";

const columns = (sql: SqlStorage, table: string) =>
  sql
    .exec(`PRAGMA table_info(${table})`)
    .toArray()
    .map((r) => String(r.name));

describe("migrate", () => {
  it("applies every step once and records the version", async () => {
    await runInDurableObject(roomOf("migrate-fresh"), async (_room, state) => {
      expect(schemaVersion(state.storage.sql)).toBe(ROOM_MIGRATIONS.length);
      expect(columns(state.storage.sql, "members")).toEqual(["user_id", "muted"]);
      // a second run (the next wake-up) is a no-op: the ALTER would fail if it ran again
      expect(migrate(state.storage, ROOM_MIGRATIONS)).toBe(2);
    });
  });

  it("adopts storage created before it had a version, and brings it up to date", async () => {
    await runInDurableObject(roomOf("migrate-legacy"), async (_room, state) => {
      const sql = state.storage.sql;
      // simulate an object from before versioning: tables present, no schema_version
      sql.exec("DROP TABLE schema_version");
      sql.exec("DROP TABLE members");
      sql.exec("CREATE TABLE members (user_id TEXT PRIMARY KEY)");
      sql.exec("INSERT INTO members (user_id) VALUES ('old')");
      expect(schemaVersion(sql)).toBe(0);
      expect(migrate(state.storage, ROOM_MIGRATIONS)).toBe(2);
      expect(sql.exec("SELECT user_id, muted FROM members").toArray()).toEqual([{ user_id: "old", muted: 0 }]);
      expect(sql.exec("SELECT count(*) AS n FROM schema_version").one().n).toBe(1);
    });
  });

  it("runs a new step on storage at an older version, and leaves newer storage alone", async () => {
    await runInDurableObject(roomOf("migrate-steps"), async (_room, state) => {
      const more = [...ROOM_MIGRATIONS, (sql: SqlStorage) => sql.exec("CREATE TABLE extra (id INTEGER PRIMARY KEY)")];
      expect(migrate(state.storage, more)).toBe(3);
      expect(schemaVersion(state.storage.sql)).toBe(3);
      expect(migrate(state.storage, ROOM_MIGRATIONS)).toBe(3);
      expect(schemaVersion(state.storage.sql)).toBe(3);
    });
  });

  it("rolls a failing step back with the steps before it", async () => {
    await runInDurableObject(roomOf("migrate-fail"), async (_room, state) => {
      const broken = [...ROOM_MIGRATIONS, "CREATE TABLE ok1 (id INTEGER)", "NOT SQL AT ALL"];
      expect(() => migrate(state.storage, broken)).toThrow();
      expect(schemaVersion(state.storage.sql)).toBe(2);
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok1'").one().n).toBe(0);
    });
  });
});

describe("Result RPC", () => {
  it("carries an expected failure as data across RPC, and unwrap throws it as an ApiError", async () => {
    const room = roomOf("result");
    expect(await room.join("ann")).toEqual({ ok: true, value: null });
    const failed = await room.join("");
    expect(failed).toEqual({ ok: false, code: "validation_failed", detail: "A user id is required" });
    expect(() => unwrap(failed)).toThrow(expect.objectContaining({ name: "ApiError", code: "validation_failed", status: 422 }));
  });
});
