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

describe("pnpm db:migrate (local)", () => {
  it("tries a failed local apply once more and fails only when the second attempt fails too", () => {
    const calls = [];
    const run = (args) => {
      calls.push(args[3]);
      const tries = calls.filter((c) => c === args[3]).length;
      if (args[3] === "edgeworks-todo" && tries === 1) throw new Error("workerd exited");
      if (args[3] === "edgeworks-links") throw new Error("still broken");
    };
    expect(() => migrateAll({ persistTo: "/nonexistent", quiet: true, run })).toThrow(
      /failed for 1 of \d+ databases:\nedgeworks-links: still broken$/,
    );
    expect(calls.filter((c) => c === "edgeworks-todo")).toHaveLength(2);
    expect(calls.filter((c) => c === "edgeworks-links")).toHaveLength(2);
    expect(calls.filter((c) => c === "edgeworks-blog")).toHaveLength(1);
  });
});

describe("databaseId", () => {
  it("reads the id of the named database only", async () => {
    const { databaseId } = await import("../migrate.mjs");
    const text =
      '[vars]\nA = "1"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "a"\ndatabase_id = "id-a" # x\n\n[[d1_databases]]\nbinding = "B"\ndatabase_name = "b"\ndatabase_id = "id-b"\n';
    expect(databaseId(text, "a")).toBe("id-a");
    expect(databaseId(text, "b")).toBe("id-b");
    expect(databaseId(text, "c")).toBeUndefined();
  });
});
