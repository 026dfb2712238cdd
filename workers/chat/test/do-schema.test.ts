import { env, runInDurableObject } from "cloudflare:test";
import { checkStorageDrift } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import * as roomSchema from "../src/do/chat-room.schema";
import type { Presence } from "../src/do/presence";
import * as presenceSchema from "../src/do/presence.schema";

// The migrations are what the objects' storage really has; the *.schema.ts files are what their
// queries go through. This keeps them in step: tables, columns, defaults, UNIQUE constraints, indexes.
describe("Durable Object storage matches its drizzle schema", () => {
  it("a room's (src/do/chat-room.schema.ts)", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("drift-check"));
    const drift = await runInDurableObject(stub, (_room, state) => checkStorageDrift(state.storage.sql, roomSchema));
    expect(drift).toEqual([]);
  });

  it("a user's presence object's (src/do/presence.schema.ts)", async () => {
    const stub = env.PRESENCE.get(env.PRESENCE.idFromName("drift-check"));
    const drift = await runInDurableObject(stub, (_presence: Presence, state) => checkStorageDrift(state.storage.sql, presenceSchema));
    expect(drift).toEqual([]);
  });

  it("and says so when they differ (the check can fail)", async () => {
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName("drift-check-broken"));
    const drift = await runInDurableObject(stub, (_room, state) => {
      state.storage.sql.exec("ALTER TABLE reads ADD COLUMN note TEXT");
      return checkStorageDrift(state.storage.sql, roomSchema);
    });
    expect(drift).toEqual(["reads.note: in storage, missing in schema"]);
  });
});
