import { describe, expect, it, test } from "vitest";
import { fromMarkdownFile, safeFileName } from "../src/export/markdown-file";
import { toMatchExpression } from "../src/search-query";
import { createNotebook, expectProblem, newUser, upload } from "./helpers";

// Issue 10, item 2: parsing user text must be linear. Each case is a complexity check (a backtracking
// regex took seconds on these inputs), so a generous bound in ms is enough to tell the two apart.
const msOf = <T>(f: () => T): { value: T; ms: number } => {
  const started = performance.now();
  const value = f();
  return { value, ms: performance.now() - started };
};

describe("Markdown import: the title heading is scanned, not backtracked", () => {
  it('reads "# a" + 2,500 spaces + "b" at once (the cubic regex took ~6 s)', () => {
    const { value, ms } = msOf(() => fromMarkdownFile(`# a${" ".repeat(2500)}b`, "f.md"));
    expect(value.title).toBe(`a${" ".repeat(2500)}b`);
    expect(ms).toBeLessThan(200);
  });

  it("stays linear on 100,000 characters of heading that never ends in text", () => {
    const { value, ms } = msOf(() => fromMarkdownFile(`#\t${"\t ".repeat(50_000)}#`, "fallback.md"));
    expect(value.title).toBe("fallback");
    expect(ms).toBeLessThan(200);
  });

  it("stays linear on a front-matter line of 100,000 blanks", () => {
    const { value, ms } = msOf(() => fromMarkdownFile(`---\ntitle:${"\t".repeat(100_000)}x\n---\nbody`, "f.md"));
    expect(value.title).toBe("x");
    expect(ms).toBeLessThan(200);
  });

  test.each([
    ["# Title", "Title"],
    ["#   Title  ", "Title"],
    ["# Title ##", "Title"], // a closing sequence is dropped
    ["# C#", "C#"], // …only after a space (CommonMark): C# stays
    ["# #", "f"], // a heading of only a closing sequence is empty
    ["intro\n#\n##  Sub\n# Main #\n# Later", "Main"], // the first level-1 heading with text
    ["#Title", "f"], // no space: not a heading
    ["text", "f"],
  ])("the title of %j is %j", (text, title) => {
    expect(fromMarkdownFile(text, "f.md").title).toBe(title);
  });

  it("POST /notes/import of that file into someone else's notebook is a 404 at once (the title is read before access is checked)", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const notebook = await createNotebook(owner.token);
    const file = new Blob([`# a${" ".repeat(2500)}b`], { type: "text/markdown" });
    const started = performance.now();
    const res = await upload("/notes/import", stranger.token, file, "x.md", { notebookId: notebook.id });
    const ms = performance.now() - started;
    await expectProblem(res, 404, "not_found");
    expect(ms).toBeLessThan(1000);
  });

  it("keeps the heading in the content", () => {
    expect(fromMarkdownFile("# Title\n\nbody", "f.md")).toEqual({ title: "Title", content: "# Title\n\nbody", tags: [] });
  });
});

describe("linear trimming", () => {
  it("safeFileName trims dots and spaces at both ends of a long run in one pass", () => {
    const { value, ms } = msOf(() => safeFileName(`x${" .".repeat(50_000)}y`));
    expect(value).toBe(`x${" .".repeat(49)} `); // nothing to trim at the ends; cut to 100 characters
    expect(ms).toBeLessThan(200);
  });

  it("toMatchExpression drops the prefix stars of a long word in one pass", () => {
    const { value, ms } = msOf(() => toMatchExpression(`${"*".repeat(100_000)}x*`));
    expect(value).toBe(`"${"*".repeat(100_000)}x"*`);
    expect(ms).toBeLessThan(200);
  });
});
