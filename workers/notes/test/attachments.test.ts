import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, test } from "vitest";
import { BASE, call, expectProblem, type Note, newUser, ok, share, type User, upload, userWithNote } from "./helpers";

type Attachment = {
  id: string;
  noteId: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
  markdown: string;
  createdAt: string;
};

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (size = 64) => {
  const bytes = new Uint8Array(size);
  bytes.set(PNG_HEAD);
  for (let i = PNG_HEAD.length; i < size; i++) bytes[i] = i % 251;
  return bytes;
};
const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

describe("attachments", () => {
  let owner: User;
  let note: Note;
  let image: Attachment;
  const bytes = png(1000);
  beforeAll(async () => {
    ({ user: owner, note } = await userWithNote());
    const res = await upload(
      `/notes/${note.id}/attachments`,
      owner.token,
      new Blob([bytes], { type: "application/octet-stream" }),
      "photo.png",
    );
    expect(res.status).toBe(201);
    image = (await res.json()) as Attachment;
  });

  it("stores an upload, typed by its bytes, with a Markdown reference", async () => {
    expect(image).toEqual({
      id: expect.any(String),
      noteId: note.id,
      filename: "photo.png",
      contentType: "image/png",
      size: 1000,
      createdAt: expect.any(String),
      url: `/notes/v1/attachments/${image.id}`,
      markdown: `![photo.png](/notes/v1/attachments/${image.id})`,
    });
    expect(await ok<{ items: Attachment[] }>(call("GET", `/notes/${note.id}/attachments`, owner.token))).toEqual({ items: [image] });
  });

  it("serves the whole file with safe headers", async () => {
    const res = await get(`/attachments/${image.id}`, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Accept-Ranges")).toBe("bytes");
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/); // kept on a Response built outside the context
    expect(res.headers.get("Content-Length")).toBe("1000");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Disposition")).toMatch(/^inline; filename="photo.png"/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  test.each([
    ["bytes=0-99", 0, 100],
    ["bytes=900-", 900, 100],
    ["bytes=-10", 990, 10],
    ["bytes=500-5000", 500, 500],
  ])("Range %s is 206 with Content-Range", async (range, offset, length) => {
    const res = await get(`/attachments/${image.id}`, owner.token, { Range: range });
    expect(res.status).toBe(206);
    expect(res.headers.get("Content-Range")).toBe(`bytes ${offset}-${offset + length - 1}/1000`);
    expect(res.headers.get("Content-Length")).toBe(String(length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.slice(offset, offset + length));
  });

  it("a range past the end is 416 with Content-Range: bytes */size", async () => {
    const res = await get(`/attachments/${image.id}`, owner.token, { Range: "bytes=1000-" });
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe("bytes */1000");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 416, code: "range_not_satisfiable" });
  });

  test.each(["bytes=5-1", "items=0-5", "bytes=0-1,5-6", "garbage"])("an unusable Range %s gets the whole file", async (range) => {
    const res = await get(`/attachments/${image.id}`, owner.token, { Range: range });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(1000);
  });

  it("is served to sharees, 404 to strangers and 401 without a token", async () => {
    const viewer = await newUser();
    const stranger = await newUser();
    await share(owner.token, "notes", note.id, viewer.email, "viewer");
    expect((await get(`/attachments/${image.id}`, viewer.token)).status).toBe(200);
    await expectProblem(await get(`/attachments/${image.id}`, stranger.token), 404, "not_found");
    await expectProblem(await get(`/attachments/${image.id}`), 401, "unauthorized");
    await expectProblem(await call("GET", `/notes/${note.id}/attachments`, stranger.token), 404, "not_found");
    // viewers cannot upload or delete
    const blob = new Blob([png()], { type: "image/png" });
    await expectProblem(await upload(`/notes/${note.id}/attachments`, viewer.token, blob, "v.png"), 403, "forbidden");
    await expectProblem(await call("DELETE", `/attachments/${image.id}`, viewer.token), 403, "forbidden");
    await expectProblem(await upload(`/notes/${note.id}/attachments`, stranger.token, blob, "s.png"), 404, "not_found");
  });

  it("is served through the note's public link, and only that note's attachments", async () => {
    const link = await ok<{ token: string }>(call("POST", `/notes/${note.id}/public-link`, owner.token), 201);
    const res = await get(`/public/${link.token}/attachments/${image.id}`, undefined, { Range: "bytes=0-7" });
    expect(res.status).toBe(206);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(PNG_HEAD));
    const other = await userWithNote();
    const foreign = await ok<Attachment>(upload(`/notes/${other.note.id}/attachments`, other.user.token, new Blob([png()]), "f.png"), 201);
    await expectProblem(await get(`/public/${link.token}/attachments/${foreign.id}`), 404, "not_found");
    // the public page points its images at the public route
    await ok(call("PATCH", `/notes/${note.id}`, owner.token, { content: image.markdown }));
    const page = await (await get(`/public/${link.token}/html`)).text();
    expect(page).toContain(`src="/notes/v1/public/${link.token}/attachments/${image.id}"`);
    await call("DELETE", `/notes/${note.id}/public-link`, owner.token);
    await expectProblem(await get(`/public/${link.token}/attachments/${image.id}`), 404, "not_found");
  });

  test.each([
    [
      "an SVG (can carry script)",
      new Blob(['<svg onload="alert(1)"/>'], { type: "image/svg+xml" }),
      "x.svg",
      415,
      "unsupported_media_type",
    ],
    ["HTML", new Blob(["<script>alert(1)</script>"], { type: "text/html" }), "x.html", 415, "unsupported_media_type"],
    ["text claiming to be PNG", new Blob(["just text"], { type: "image/png" }), "x.png", 415, "unsupported_media_type"],
    [
      "an executable",
      new Blob([new Uint8Array([0x4d, 0x5a, 0x90, 0])], { type: "application/octet-stream" }),
      "x.exe",
      415,
      "unsupported_media_type",
    ],
    [
      "binary claiming to be text",
      new Blob([new Uint8Array([0x61, 0, 0x62])], { type: "text/plain" }),
      "x.txt",
      415,
      "unsupported_media_type",
    ],
    ["an empty file", new Blob([], { type: "image/png" }), "x.png", 422, "validation_failed"],
    ["a file over 10 MiB", new Blob([png(10 * 1024 * 1024 + 1)], { type: "image/png" }), "big.png", 413, "payload_too_large"],
  ])("refuses %s", async (_l, blob, name, status, code) => {
    const { user, note: n } = await userWithNote();
    await expectProblem(await upload(`/notes/${n.id}/attachments`, user.token, blob, name), status, code);
    expect(await ok(call("GET", `/notes/${n.id}/attachments`, user.token))).toEqual({ items: [] });
  });

  it("accepts UTF-8 text, JPEG, GIF, WebP and PDF", async () => {
    const { user, note: n } = await userWithNote();
    const files: [Uint8Array | string, string, string, string][] = [
      ["# notes\nżółw", "text/markdown", "a.md", "text/markdown"],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]), "image/jpeg", "a.jpg", "image/jpeg"],
      [new TextEncoder().encode("GIF89a...."), "image/gif", "a.gif", "image/gif"],
      [new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "), "", "a.webp", "image/webp"],
      [new TextEncoder().encode("%PDF-1.7\n..."), "application/pdf", "a.pdf", "application/pdf"],
    ];
    for (const [data, type, name, expected] of files) {
      const a = await ok<Attachment>(upload(`/notes/${n.id}/attachments`, user.token, new Blob([data], { type }), name), 201);
      expect(a.contentType).toBe(expected);
    }
    const listed = await ok<{ items: Attachment[] }>(call("GET", `/notes/${n.id}/attachments`, user.token));
    expect(listed.items.map((a) => a.filename).sort()).toEqual(["a.gif", "a.jpg", "a.md", "a.pdf", "a.webp"]);
  });

  it("a non-multipart upload is 415", async () => {
    await expectProblem(await call("POST", `/notes/${note.id}/attachments`, owner.token, { file: "x" }), 415, "unsupported_media_type");
    const raw = await SELF.fetch(`${BASE}/notes/${note.id}/attachments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "image/png" },
      body: png(),
    });
    await expectProblem(raw, 415, "unsupported_media_type");
  });

  it("a malformed multipart body is 400 and a form without file is 422", async () => {
    const bad = await SELF.fetch(`${BASE}/notes/${note.id}/attachments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nnot a part\r\n",
    });
    await expectProblem(bad, 400, "bad_request");
    const form = new FormData();
    form.set("other", "x");
    const noFile = await SELF.fetch(`${BASE}/notes/${note.id}/attachments`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}` },
      body: form,
    });
    await expectProblem(noFile, 422, "validation_failed", ["file"]);
  });

  it("deleting removes the bytes; the id is then 404", async () => {
    const a = await ok<Attachment>(upload(`/notes/${note.id}/attachments`, owner.token, new Blob([png()]), "tmp.png"), 201);
    expect((await call("DELETE", `/attachments/${a.id}`, owner.token)).status).toBe(204);
    await expectProblem(await get(`/attachments/${a.id}`, owner.token), 404, "not_found");
    await expectProblem(await call("DELETE", `/attachments/${a.id}`, owner.token), 404, "not_found");
  });
});
