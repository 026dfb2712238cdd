import { unzipSync } from "fflate";
import { describe, expect, it, test } from "vitest";
import { call, createNote, createNotebook, expectProblem, listAll, type Note, newUser, ok, upload, userWithNote } from "./helpers";

describe("GET /notes/{id}/export", () => {
  it("exports Markdown with front matter", async () => {
    const { user, note } = await userWithNote({ title: 'Trip: "Kraków"', content: "# Day 1\n\nZażółć", tags: ["travel", "pl"] });
    const res = await call("GET", `/notes/${note.id}/export`, user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(
      `attachment; filename="Trip_ _Krak_w_.md"; filename*=UTF-8''${encodeURIComponent("Trip_ _Kraków_.md")}`,
    );
    expect(await res.text()).toBe(
      `---\ntitle: "Trip: \\"Kraków\\""\ntags: ["travel", "pl"]\ncreated: ${note.createdAt}\nupdated: ${note.updatedAt}\n---\n\n# Day 1\n\nZażółć`,
    );
  });

  test.each([
    ["plain text", "Hello PDF world"],
    ["Polish", "Zażółć gęślą jaźń — Łódź"],
    ["CJK and emoji", "日本語のテキスト 🙂🚀 and\ttabs"],
    ["a very long word", "x".repeat(5000)],
    ["headings and blank lines", "# H1\n\n## H2\n\ntext\n\n\n###### H6"],
  ])(
    "exports a PDF of %s without failing",
    async (_l, content) => {
      const { user, note } = await userWithNote({ title: `PDF ${content.slice(0, 20).replace(/\s+/g, " ")}`, content });
      const res = await call("GET", `/notes/${note.id}/export?format=pdf`, user.token);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("application/pdf");
      expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename=".*\.pdf"/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
      expect(bytes.byteLength).toBeGreaterThan(500);
      // a budget, not a speed assertion: the first PDF of the run parses the embedded font (seconds on a busy machine)
    },
    20_000,
  );

  it("is 422 for an unknown format and 404 for strangers", async () => {
    const { user, note } = await userWithNote();
    await expectProblem(await call("GET", `/notes/${note.id}/export?format=docx`, user.token), 422, "validation_failed", ["format"]);
    const stranger = await newUser();
    await expectProblem(await call("GET", `/notes/${note.id}/export?format=pdf`, stranger.token), 404, "not_found");
  });
});

describe("GET /notebooks/{id}/export", () => {
  it("exports a notebook subtree as a ZIP of Markdown files in folders", async () => {
    const { token } = await newUser();
    const top = await createNotebook(token, { name: "Work/Stuff" });
    const sub = await createNotebook(token, { name: "Sub", parentId: top.id });
    await createNote(token, top.id, { title: "Plan", content: "p1" });
    await createNote(token, top.id, { title: "plan", content: "p2" });
    await createNote(token, sub.id, { title: "../../etc/passwd", content: "deep" });
    const trashed = await createNote(token, sub.id, { title: "gone" });
    await call("DELETE", `/notes/${trashed.id}`, token);
    const res = await call("GET", `/notebooks/${top.id}/export`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/zip");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="Work_Stuff.zip"; filename*=UTF-8''Work_Stuff.zip`);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(["Work_Stuff/Plan.md", "Work_Stuff/Sub/_.._etc_passwd.md", "Work_Stuff/plan (2).md"]);
    expect(new TextDecoder().decode(files["Work_Stuff/Sub/_.._etc_passwd.md"])).toContain("\n---\n\ndeep");
  });

  it("is 404 for strangers", async () => {
    const { notebook } = await userWithNote();
    const stranger = await newUser();
    await expectProblem(await call("GET", `/notebooks/${notebook.id}/export`, stranger.token), 404, "not_found");
  });
});

describe("POST /notes/import", () => {
  const md = (text: string, type = "text/markdown") => new Blob([text], { type });

  it("imports a Markdown file with front matter (round trip of an export)", async () => {
    const { user, notebook, note } = await userWithNote({ title: "Round trip", content: "# Body\n\ntext", tags: ["a", "b c"] });
    const exported = await (await call("GET", `/notes/${note.id}/export`, user.token)).text();
    const res = await upload("/notes/import", user.token, md(exported), "x.md", { notebookId: notebook.id });
    expect(res.status).toBe(201);
    const imported = (await res.json()) as Note;
    expect(imported).toMatchObject({ title: "Round trip", content: "# Body\n\ntext", tags: ["a", "b c"], notebookId: notebook.id });
    expect(res.headers.get("Location")).toBe(`/notes/v1/notes/${imported.id}`);
  });

  it("takes the title from the first heading, else the file name", async () => {
    const { user, notebook } = await userWithNote();
    const headed = await ok<Note>(
      upload("/notes/import", user.token, md("intro\n# The Heading\nbody"), "f.md", { notebookId: notebook.id }),
      201,
    );
    expect(headed.title).toBe("The Heading");
    const named = await ok<Note>(
      upload("/notes/import", user.token, md("no heading", "text/plain"), "My Notes.txt", { notebookId: notebook.id }),
      201,
    );
    expect(named).toMatchObject({ title: "My Notes", content: "no heading" });
  });

  it("refuses binaries (415), non-UTF-8 (422), bad front matter tags (422), and others' notebooks (404)", async () => {
    const { user, notebook } = await userWithNote();
    const before = await listAll(user.token, "/notes");
    const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: "text/markdown" });
    await expectProblem(await upload("/notes/import", user.token, png, "x.md", { notebookId: notebook.id }), 415, "unsupported_media_type");
    const latin1 = new Blob([new Uint8Array([0x63, 0x61, 0x66, 0xe9])]);
    await expectProblem(await upload("/notes/import", user.token, latin1, "x.md", { notebookId: notebook.id }), 422, "validation_failed", [
      "file",
    ]);
    const tooManyTags = `---\ntags: [${Array.from({ length: 25 }, (_, i) => `t${i}`).join(", ")}]\n---\nx`;
    await expectProblem(
      await upload("/notes/import", user.token, md(tooManyTags), "x.md", { notebookId: notebook.id }),
      422,
      "validation_failed",
      ["tags"],
    );
    const stranger = await newUser();
    await expectProblem(await upload("/notes/import", stranger.token, md("x"), "x.md", { notebookId: notebook.id }), 404, "not_found");
    await expectProblem(await upload("/notes/import", user.token, md("x"), "x.md"), 422, "validation_failed", ["notebookId"]);
    expect(await listAll(user.token, "/notes")).toEqual(before);
  });

  it("is 415 for a JSON body", async () => {
    const { user, notebook } = await userWithNote();
    await expectProblem(await call("POST", "/notes/import", user.token, { notebookId: notebook.id }), 415, "unsupported_media_type");
  });
});
