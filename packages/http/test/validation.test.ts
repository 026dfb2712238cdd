import { describe, expect, it } from "vitest";
import { dedupeAsciiCaseless, NO_NUL, textField } from "../src";

describe("textField", () => {
  const name = textField({ min: 1, max: 5, trim: true });

  it.each([
    ["a", "a"],
    ["  héllo  ", "héllo"], // the length (9 code points, spaces included) is checked before trimming
  ])("accepts %j as %j", (input, output) => {
    const r = textField({ min: 1, max: 9, trim: true }).safeParse(input);
    expect(r.success && r.data).toBe(output);
  });

  it("counts code points, as JSON Schema's maxLength does", () => {
    expect(name.safeParse("😀😀😀😀😀").success).toBe(true); // 5 code points, 10 UTF-16 units
    expect(name.safeParse("😀😀😀😀😀😀").success).toBe(false);
  });

  it.each([[""], ["   "], ["a\u0000b"], ["\ud800"], ["toolong"]])("refuses %j", (input) => {
    expect(name.safeParse(input).success).toBe(false);
  });

  it("allows blank text but never NUL when min is 0", () => {
    const optional = textField({ min: 0, max: 3 });
    expect(optional.safeParse("").success).toBe(true);
    expect(optional.safeParse("\u0000").success).toBe(false);
    expect(NO_NUL.test("ok")).toBe(true);
  });
});

describe("dedupeAsciiCaseless", () => {
  it("drops later ASCII-case duplicates in order, as SQLite's lower() folds (ASCII only)", () => {
    expect(dedupeAsciiCaseless(["Work", "home", "WORK", "work", "Ärger", "ärger", "HOME"])).toEqual(["Work", "home", "Ärger", "ärger"]);
    expect(dedupeAsciiCaseless([])).toEqual([]);
  });
});
