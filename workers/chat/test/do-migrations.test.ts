import { env, runInDurableObject } from "cloudflare:test";
import { schemaVersion } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";
import { ChatRoom } from "../src/do/chat-room";
import { PRESENCE_MIGRATIONS, type Presence } from "../src/do/presence";
import { ROOM_MIGRATIONS } from "../src/do/room-store";
import { connect, createRoom, newUser } from "./helpers";

const tables = (sql: SqlStorage) =>
  sql
    .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")
    .toArray()
    .map((r) => String(r.name));

describe("Durable Object storage is versioned", () => {
  it("a room records its schema version, and a room stored before versioning opens with its data", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    await a.post("kept");
    await a.close();
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    const seen = await runInDurableObject(stub, async (_instance, state) => {
      const before = schemaVersion(state.storage.sql);
      // a room from before versioning: the same tables, no schema_version
      state.storage.sql.exec("DROP TABLE schema_version");
      const fresh = new ChatRoom(state, env);
      await state.blockConcurrencyWhile(async () => {});
      return {
        before,
        after: schemaVersion(state.storage.sql),
        head: fresh.head,
        texts: state.storage.sql.exec("SELECT text FROM messages").toArray(),
        tables: tables(state.storage.sql),
      };
    });
    expect(seen.before).toBe(ROOM_MIGRATIONS.length);
    expect(seen.after).toBe(ROOM_MIGRATIONS.length);
    expect(seen.head).toBe(1);
    expect(seen.texts).toEqual([{ text: "kept" }]);
    expect(seen.tables).toEqual(
      ["attachments", "events", "messages", "meta", "presence", "reactions", "reads", "schema_version", "tickets"].sort(),
    );
  });

  it("a user's presence object records its schema version too", async () => {
    const stub = env.PRESENCE.get(env.PRESENCE.idFromName("someone"));
    const version = await runInDurableObject(stub, async (instance: Presence, state) => {
      await instance.status();
      return schemaVersion(state.storage.sql);
    });
    expect(version).toBe(PRESENCE_MIGRATIONS.length);
  });
});
