import { describe, expect, it } from "vitest";
import { migrateAll } from "../migrate.mjs";

describe("pnpm db:migrate --remote", () => {
  it("applies every database even when one fails, then reports every failure", () => {
    const calls = [];
    const run = (args) => {
      calls.push(args[3]);
      if (args[3] === "edgeworks-accounts") throw new Error("database edgeworks-accounts not found");
    };
    expect(() => migrateAll({ remote: true, quiet: true, run, checkIds: false })).toThrow(
      /edgeworks-accounts: database edgeworks-accounts not found/,
    );
    expect(calls).toEqual(
      expect.arrayContaining(["edgeworks-accounts", "edgeworks-todo", "edgeworks-links", "edgeworks-blog", "edgeworks-chat"]),
    );
    expect(calls.length).toBeGreaterThan(5);
  });

  it("refuses a database whose config still has the placeholder id, pointing at pnpm run deploy", () => {
    const calls = [];
    expect(() => migrateAll({ remote: true, quiet: true, run: (args) => calls.push(args) })).toThrow(/pnpm run deploy/);
    expect(calls).toEqual([]);
  });
});
