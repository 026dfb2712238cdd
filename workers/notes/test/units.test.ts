import { describe, expect, it, test } from "vitest";
import { detectType } from "../src/attachments/sniff";
import { ifMatchPasses } from "../src/etag";
import { fromMarkdownFile, safeFileName, toMarkdownFile } from "../src/export/markdown-file";
import { toEncodable } from "../src/export/pdf";
import { markedHtml, toMatchExpression } from "../src/search-query";

describe("toMatchExpression", () => {
  test.each([
    ["budget", '"budget"'],
    ["budg*", '"budg"*'],
    ['"launch plan" budg*', '"launch plan" "budg"*'],
    ['say "hi', '"say" "hi"'],
    ['a"b', '"a" "b"'],
    ["NEAR(a b)", '"NEAR(a" "b)"'],
    ["title:x", '"title:x"'],
    ["-x AND y", '"-x" "AND" "y"'],
    ["***", null],
    ['""', null],
    ["  ", null],
    ["🙂", null],
  ])("%j → %j", (q, expected) => {
    expect(toMatchExpression(q)).toBe(expected);
  });

  it("keeps at most 20 terms", () => {
    expect(toMatchExpression(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))?.split(" ")).toHaveLength(20);
  });

  it("marks up highlights after escaping", () => {
    expect(markedHtml("<b>\uE000x\uE001</b> & 'q'")).toBe("&lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; &#39;q&#39;");
  });
});

describe("detectType", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  test.each([
    [bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), "text/plain", "x", "image/png"],
    [bytes(0xff, 0xd8, 0xff, 0xdb), "", "x", "image/jpeg"],
    [new TextEncoder().encode("hello"), "text/plain; charset=utf-8", "x", "text/plain"],
    [new TextEncoder().encode("# hi"), "application/octet-stream", "notes.md", "text/markdown"],
    [new TextEncoder().encode("<svg/>"), "image/svg+xml", "x.svg", null],
    [bytes(0xc3, 0x28), "text/plain", "x.txt", null],
    [new TextEncoder().encode("hello"), "image/png", "x.png", null],
  ])("%#: declared %s → %s", (data, declared, name, expected) => {
    expect(detectType(data, declared, name)).toBe(expected);
  });
});

describe("If-Match", () => {
  test.each([
    [undefined, true],
    ["*", true],
    ['"3"', true],
    ['"1", "3"', true],
    ['W/"3"', false],
    ['"4"', false],
    ["3", false],
    ["", false],
  ])("%j against version 3 → %s", (header, expected) => {
    expect(ifMatchPasses(header, 3)).toBe(expected);
  });
});

describe("Markdown files", () => {
  it("round-trips title, tags and content through front matter", () => {
    const file = toMarkdownFile({ title: 'A "quoted": title', content: "---\nnot front matter\n", tags: ["x, y", "z"] });
    expect(fromMarkdownFile(file, "ignored.md")).toEqual({
      title: 'A "quoted": title',
      content: "---\nnot front matter\n",
      tags: ["x, y", "z"],
    });
  });

  it("reads block tag lists, CRLF and a BOM", () => {
    const text = "\uFEFF---\r\ntitle: Plain\r\ntags:\r\n  - one\r\n  - 'two'\r\n---\r\nbody";
    expect(fromMarkdownFile(text, "f.md")).toEqual({ title: "Plain", content: "body", tags: ["one", "two"] });
  });

  test.each([
    ["../../etc/passwd", "_.._etc_passwd"],
    ['a:b*c?d"e<f>g|h', "a_b_c_d_e_f_g_h"],
    ["...", "Untitled"],
    ["x".repeat(300), "x".repeat(100)],
  ])("safeFileName(%j) = %j", (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });
});

describe("PDF text encoding", () => {
  const winAnsi = new Set(Array.from({ length: 95 }, (_, i) => i + 32).concat([0xf3, 0xe9]));
  it("reduces letters to what the font has and replaces the rest", () => {
    expect(toEncodable("Zażółć", winAnsi)).toBe("Zazólc");
    expect(toEncodable("Łódź 日🙂\tx\ny", winAnsi)).toBe("Lódz ??    x y");
  });
});
