import { describe, expect, it } from "vitest";
import { dedupeAsciiCaseless, FILE_NAME, NO_NUL, NOT_BLANK_NO_CONTROL, NOT_BLANK_NO_NUL, textField, trimWhere } from "../src";

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

describe("textField's checks", () => {
  const messages = (schema: ReturnType<typeof textField>, input: string) => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it("a string that is too long gets only the length error (the pattern is not run)", () => {
    expect(messages(textField({ min: 1, max: 3 }), "\u0000\u0000\u0000\u0000")).toEqual(["Must be at most 3 characters"]);
    expect(messages(textField({ min: 1, max: 3 }), "")).toEqual(["Must not be empty", "Must not be blank or contain NUL characters"]);
  });

  it("stays linear on long text that breaks the character rule at its end", () => {
    const field = textField({ min: 1, max: 400_000 });
    const started = Date.now();
    expect(messages(field, `${"a".repeat(300_000)}\u0000`)).toEqual(["Must not be blank or contain NUL characters"]);
    expect(messages(field, " ".repeat(300_000))).toEqual(["Must not be blank or contain NUL characters"]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("treats exactly JavaScript's whitespace as blank, spelled out (no \\s in the documented pattern)", () => {
    const line = textField({ min: 1, max: 10, pattern: NOT_BLANK_NO_CONTROL, rule: "blank" });
    for (const blank of ["\u00a0", "\u3000", "\ufeff", "\u2028 "]) expect(messages(line, blank)).toEqual(["blank"]);
    expect(messages(line, "\u200b")).toEqual([]); // zero-width space is not whitespace to trim()
    expect(messages(line, "a\u0007")).toEqual(["blank"]);
    expect(NOT_BLANK_NO_NUL.source).not.toContain("\\s");
    expect(NOT_BLANK_NO_CONTROL.source).not.toContain("\\s");
  });
});

describe("FILE_NAME", () => {
  const name = textField({ min: 1, max: 255, pattern: FILE_NAME, rule: "bad name" });
  it.each(["report.pdf", "screen shot ü.png", " x "])("accepts %j", (input) => expect(name.safeParse(input).success).toBe(true));
  it.each(["../etc/passwd", "a\\b", "a\u0000b", "\u3000 ", "line\nbreak"])("refuses %j", (input) => {
    expect(name.safeParse(input).success).toBe(false);
  });
});

describe("dedupeAsciiCaseless", () => {
  it("drops later ASCII-case duplicates in order, as SQLite's lower() folds (ASCII only)", () => {
    expect(dedupeAsciiCaseless(["Work", "home", "WORK", "work", "Ärger", "ärger", "HOME"])).toEqual(["Work", "home", "Ärger", "ärger"]);
    expect(dedupeAsciiCaseless([])).toEqual([]);
  });
});

describe("the not-blank patterns (linear: issue 10, item 1)", () => {
  /** ms to test `pattern` on `input` (a complexity check: a quadratic pattern takes seconds here). */
  const timeOf = (pattern: RegExp, input: string) => {
    const started = performance.now();
    const matched = pattern.test(input);
    return { matched, ms: performance.now() - started };
  };

  it.each([
    ["NOT_BLANK_NO_NUL", NOT_BLANK_NO_NUL, "\u0001", "\u0000"],
    ["NOT_BLANK_NO_CONTROL", NOT_BLANK_NO_CONTROL, "!", "\u0000"],
    ["FILE_NAME", FILE_NAME, "!", "\u0000"],
    ["NOT_BLANK_NO_CONTROL (spaces)", NOT_BLANK_NO_CONTROL, " ", "\u0007"],
  ])("%s refuses 50,000 characters ending in a bad one in one pass", (_name, pattern, pump, end) => {
    const { matched, ms } = timeOf(pattern, `${pump.repeat(50_000)}${end}`);
    expect(matched).toBe(false);
    expect(ms).toBeLessThan(200);
  });

  it("a 200,000-character name ending in NUL gets one length error, in well under 200 ms", () => {
    const name = textField({ min: 1, max: 100, pattern: NOT_BLANK_NO_CONTROL, rule: "blank", trim: true });
    const started = performance.now();
    const r = name.safeParse(`${"a".repeat(200_000)}\u0000`);
    expect(performance.now() - started).toBeLessThan(200);
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual(["Must be at most 100 characters"]);
  });

  it.each([
    ["a", true],
    ["  a  ", true],
    ["\u3000\u00a0x", true],
    ["\t a", false], // a tab is a control character, leading or not
    ["a\tb", false],
    [" \u2028 ", false],
    ["", false],
  ])("NOT_BLANK_NO_CONTROL on %j is %s", (input, ok) => expect(NOT_BLANK_NO_CONTROL.test(input)).toBe(ok));

  it.each([
    ["\t\n a\tb\n", true], // only NUL is refused, whitespace of any kind is fine around text
    ["\t\n ", false],
    ["a\u0000", false],
  ])("NOT_BLANK_NO_NUL on %j is %s", (input, ok) => expect(NOT_BLANK_NO_NUL.test(input)).toBe(ok));
});

describe("trimWhere", () => {
  it.each([
    ["--a-b--", "both", "a-b"],
    ["--a-b--", "start", "a-b--"],
    ["--a-b--", "end", "--a-b"],
    ["----", "both", ""],
    ["", "end", ""],
  ] as const)("trims %j at %s to %j", (input, side, out) => expect(trimWhere(input, (ch) => ch === "-", side)).toBe(out));

  it("is linear on a long run that does not reach the end (where /-+$/ is quadratic)", () => {
    const input = `${"-".repeat(100_000)}x-`;
    const started = performance.now();
    expect(trimWhere(input, (ch) => ch === "-", "end")).toBe(`${"-".repeat(100_000)}x`);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
