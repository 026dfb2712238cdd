import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

let dev: DevServer;
beforeAll(async () => {
  dev = await startDev();
});
afterAll(async () => {
  await dev?.stop();
});

const register = async () => {
  const res = await fetch(`${dev.url}/auth/v1/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: `notes-e2e-${crypto.randomUUID()}@example.com`, password: "correct horse battery staple" }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { accessToken: string; user: { id: string; email: string } };
};

const api = (
  token: string | undefined,
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; body?: BodyInit } = {},
) => {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  return fetch(`${dev.url}/notes/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
};

describe("Notes API under pnpm dev, through the front door", () => {
  it("writes, searches, renders, shares by email, exports and serves attachments with Range", async () => {
    const alice = await register();
    const bob = await register();
    const nb = (await (await api(alice.accessToken, "/notebooks", { method: "POST", json: { name: "E2E" } })).json()) as { id: string };
    const created = await api(alice.accessToken, "/notes", {
      method: "POST",
      json: { notebookId: nb.id, title: "Launch plan", content: "The **budget** <script>alert(1)</script>", tags: ["work"] },
    });
    expect(created.status).toBe(201);
    const note = (await created.json()) as { id: string };
    const etag = created.headers.get("ETag") as string;
    expect(etag).toBe('"1"');

    const edited = await api(alice.accessToken, `/notes/${note.id}`, {
      method: "PATCH",
      json: { content: "The **budget**, revised" },
      headers: { "If-Match": etag },
    });
    expect(edited.status).toBe(200);
    const stale = await api(alice.accessToken, `/notes/${note.id}`, {
      method: "PATCH",
      json: { content: "lost?" },
      headers: { "If-Match": etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("Content-Type")).toBe("application/problem+json");

    const search = (await (await api(alice.accessToken, "/search?q=budg*")).json()) as { items: { id: string; snippet: string }[] };
    expect(search.items.map((h) => h.id)).toEqual([note.id]);
    expect(search.items[0]?.snippet).toContain("<mark>budget</mark>");

    const html = await (await api(alice.accessToken, `/notes/${note.id}/html`)).text();
    expect(html).toContain("<strong>budget</strong>");

    expect((await api(bob.accessToken, `/notes/${note.id}`)).status).toBe(404);
    const shared = await api(alice.accessToken, `/notes/${note.id}/shares`, {
      method: "POST",
      json: { email: bob.user.email, role: "viewer" },
    });
    expect(shared.status).toBe(201);
    expect((await api(bob.accessToken, `/notes/${note.id}`)).status).toBe(200);
    expect((await api(bob.accessToken, `/notes/${note.id}`, { method: "PATCH", json: { title: "x" } })).status).toBe(403);
    const sharedList = (await (await api(bob.accessToken, "/shared")).json()) as { items: { id: string; owner: { email: string } }[] };
    expect(sharedList.items).toEqual([
      expect.objectContaining({ id: note.id, owner: expect.objectContaining({ email: alice.user.email }) }),
    ]);

    const pdf = await api(alice.accessToken, `/notes/${note.id}/export?format=pdf`);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(new TextDecoder().decode(new Uint8Array(await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");

    const form = new FormData();
    const png = new Uint8Array(300);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    form.set("file", new Blob([png], { type: "image/png" }), "pixel.png");
    const uploaded = await api(alice.accessToken, `/notes/${note.id}/attachments`, { method: "POST", body: form });
    expect(uploaded.status).toBe(201);
    const attachment = (await uploaded.json()) as { url: string };
    const ranged = await fetch(`${dev.url}${attachment.url}`, {
      headers: { Authorization: `Bearer ${bob.accessToken}`, Range: "bytes=0-7" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("Content-Range")).toBe("bytes 0-7/300");
  });
});
