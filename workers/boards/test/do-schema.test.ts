import { env, runInDurableObject } from "cloudflare:test";
import { checkStorageDrift } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import * as schema from "../src/do/board.schema";

// BOARD_MIGRATIONS are what a board's storage really has; board.schema.ts is what its queries go
// through. This keeps them in step: tables, columns, defaults, UNIQUE constraints and indexes.
describe("a board's Durable Object storage", () => {
  it("matches src/do/board.schema.ts once migrated", async () => {
    const stub = env.BOARD.get(env.BOARD.idFromName("drift-check"));
    const drift = await runInDurableObject(stub, (_board, state) => checkStorageDrift(state.storage.sql, schema));
    expect(drift).toEqual([]);
  });

  it("differs from it when the storage loses an index (the check can fail)", async () => {
    const stub = env.BOARD.get(env.BOARD.idFromName("drift-check-broken"));
    const drift = await runInDurableObject(stub, (_board, state) => {
      state.storage.sql.exec("DROP INDEX cards_due");
      return checkStorageDrift(state.storage.sql, schema);
    });
    expect(drift).toEqual(["cards: index cards_due in schema, missing in storage"]);
  });
});
