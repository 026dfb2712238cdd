import { describe, expect, it } from "vitest";
import { ApiError, decodeCursor, encodeCursor, toPage } from "../src";

describe("cursors", () => {
  it("round-trip values, unicode included", () => {
    const c = encodeCursor("dueAt:asc", [1700000000000, "ząb-✓", null]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("dueAt:asc", c, 3)).toEqual([1700000000000, "ząb-✓", null]);
  });

  it.each([
    ["garbage", "!!!"],
    ["not JSON", btoa("hello")],
    ["another sort's cursor", encodeCursor("createdAt:desc", [1, "a"])],
    ["wrong arity", encodeCursor("dueAt:asc", [1])],
    ["objects inside", btoa(JSON.stringify(["dueAt:asc", { a: 1 }, "x"]))],
  ])("refuse %s with a 422 on `cursor`", (_label, cursor) => {
    try {
      decodeCursor("dueAt:asc", cursor, 2);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(422);
      expect((err as ApiError).errors?.[0]).toMatchObject({ path: "cursor", location: "query" });
    }
  });

  it("toPage cuts limit+1 rows into a page and a next cursor", () => {
    const rows = [1, 2, 3];
    expect(toPage(rows, 2, (r) => `c${r}`)).toEqual({ items: [1, 2], nextCursor: "c2" });
    expect(toPage(rows, 3, (r) => `c${r}`)).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
