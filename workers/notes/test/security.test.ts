import { env, SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { BASE, call, createNote, createNotebook, expectProblem, newUser, ok, share, type User, upload } from "./helpers";

/** Every authenticated route; NB, NOTE, REV, ATT and UID become the owner's notebook, note, revision, attachment and sharee. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/notebooks", read: true },
  { method: "POST", path: "/notebooks", body: { name: "x" }, read: false },
  { method: "GET", path: "/notebooks/NB", read: true },
  { method: "PATCH", path: "/notebooks/NB", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/notebooks/NB", read: false },
  { method: "GET", path: "/notebooks/NB/export", read: true },
  { method: "POST", path: "/notebooks/NB/shares", body: { email: "x@users.test", role: "viewer" }, read: false },
  { method: "GET", path: "/notebooks/NB/shares", read: true },
  { method: "DELETE", path: "/notebooks/NB/shares/UID", read: false },
  { method: "GET", path: "/notes", read: true },
  { method: "POST", path: "/notes", body: { notebookId: "NB", title: "x", content: "" }, read: false },
  { method: "POST", path: "/notes/import", read: false },
  { method: "GET", path: "/notes/NOTE", read: true },
  { method: "PATCH", path: "/notes/NOTE", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/notes/NOTE", read: false },
  { method: "POST", path: "/notes/NOTE/restore", read: false },
  { method: "GET", path: "/notes/NOTE/html", read: true },
  { method: "GET", path: "/notes/NOTE/export", read: true },
  { method: "GET", path: "/notes/NOTE/revisions", read: true },
  { method: "GET", path: "/notes/NOTE/revisions/REV", read: true },
  { method: "POST", path: "/notes/NOTE/revisions/REV/restore", read: false },
  { method: "POST", path: "/notes/NOTE/shares", body: { email: "x@users.test", role: "viewer" }, read: false },
  { method: "GET", path: "/notes/NOTE/shares", read: true },
  { method: "DELETE", path: "/notes/NOTE/shares/UID", read: false },
  { method: "POST", path: "/notes/NOTE/public-link", read: false },
  { method: "DELETE", path: "/notes/NOTE/public-link", read: false },
  { method: "POST", path: "/notes/NOTE/attachments", read: false },
  { method: "GET", path: "/notes/NOTE/attachments", read: true },
  { method: "GET", path: "/attachments/ATT", read: true },
  { method: "DELETE", path: "/attachments/ATT", read: false },
  { method: "GET", path: "/search?q=secret", read: true },
  { method: "GET", path: "/trash", read: true },
  { method: "DELETE", path: "/trash", read: false },
  { method: "DELETE", path: "/trash/NOTE", read: false },
  { method: "GET", path: "/shared", read: true },
  { method: "GET", path: "/tags", read: true },
];

let owner: User;
let friend: User;
const ids = { NB: "", NOTE: "", REV: "", ATT: "", UID: "" };
const fill = (text: string) => text.replace(/NB|NOTE|REV|ATT|UID/g, (k) => ids[k as keyof typeof ids]);
/** The owner's whole state, straight from D1, for "nothing changed" checks. */
const snapshot = async () => {
  const tables = ["notebooks", "notes", "revisions", "shares", "public_links", "attachments"];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await env.DB.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()).results;
  return JSON.stringify(out);
};

beforeAll(async () => {
  owner = await newUser();
  friend = await newUser();
  const nb = await createNotebook(owner.token, { name: "Private" });
  const note = await createNote(owner.token, nb.id, { title: "secret plans", content: "secret", tags: ["secret"] });
  const [rev] = (await ok<{ items: { id: string }[] }>(call("GET", `/notes/${note.id}/revisions`, owner.token))).items;
  const att = await ok<{ id: string }>(
    upload(`/notes/${note.id}/attachments`, owner.token, new Blob(["hello"], { type: "text/plain" }), "a.txt"),
    201,
  );
  await share(owner.token, "notes", note.id, friend.email, "viewer");
  await share(owner.token, "notebooks", nb.id, friend.email, "viewer");
  Object.assign(ids, { NB: nb.id, NOTE: note.id, REV: rev?.id ?? "", ATT: att.id, UID: friend.id });
});

defineSecuritySuite({
  base: BASE,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill,
  owner: () => owner,
  scopes: { read: "notes:read", write: "notes:write" },
  otherScopes: ["todo:read todo:write"],
  snapshot,
  badCredentials: [
    extraBadCredentials.unknownApiKey,
    ["a broken accounts answer", async () => ({ Authorization: `Bearer ${TEST_API_KEYS.broken}` })],
  ],
  isolation: {
    title: "isolation: a stranger gets 404 for everything of the owner's",
    routes: (r) => /NB|NOTE|ATT/.test(r.path) && r.path !== "/notes/import",
    stranger: () => newUser(),
    send: (route, path, token) =>
      route.path === "/notes/NOTE/attachments" && route.method === "POST"
        ? upload(path, token, new Blob(["x"], { type: "text/plain" }), "x.txt")
        : undefined,
  },
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"name":"x"}'),
      hostile.form("name=x"),
      hostile.tooLarge("a 5 MiB body", JSON.stringify({ title: "x".repeat(5 * 1024 * 1024) })),
      hostile.invalid("a lone surrogate", '{"title":"bad \\ud800","name":"bad \\ud800","email":"\\ud800@x.y","content":"\\ud800"}'),
      hostile.invalid("a JSON array", "[1,2]"),
      hostile.invalid("JSON null", "null"),
    ],
    missingBody: (r) => r.method === "POST",
  },
  extend: {
    authentication: () => {
      it("an API key with notes scopes works", async () => {
        const [key] = Object.keys(TEST_API_KEYS.valid);
        expect((await call("GET", "/notes", key)).status).toBe(200);
      });
    },
    isolation: (stranger) => {
      it("lists, search, trash and shared show nothing of the owner's", async () => {
        for (const path of ["/notes", "/notebooks", "/search?q=secret", "/trash", "/shared", "/notes?tag=secret", "/tags"]) {
          expect((await ok<{ items: unknown[] }>(call("GET", path, stranger().token))).items).toEqual([]);
        }
      });

      it("a cursor from the owner's listing reveals nothing", async () => {
        await createNote(owner.token, ids.NB, { title: "second" });
        const page = await ok<{ nextCursor: string }>(call("GET", "/notes?limit=1", owner.token));
        expect(await ok(call("GET", `/notes?limit=1&cursor=${page.nextCursor}`, stranger().token))).toEqual({
          items: [],
          nextCursor: null,
        });
      });
    },
  },
});

// after the suite's "nothing changed" check: these rows are new by design
describe("hostile request bodies", () => {
  it("SQL-ish strings are stored and matched literally", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token, { name: "'; DROP TABLE notes; --" });
    const evil = "x' OR '1'='1";
    const n = await createNote(token, nb.id, { title: evil, content: '" OR 1=1 --', tags: [evil] });
    expect(n).toMatchObject({ title: evil, content: '" OR 1=1 --', tags: [evil] });
    expect(
      (await ok<{ items: { id: string }[] }>(call("GET", `/notes?tag=${encodeURIComponent(evil)}`, token))).items.map((x) => x.id),
    ).toEqual([n.id]);
    expect(
      (await ok<{ items: { id: string }[] }>(call("GET", `/search?q=${encodeURIComponent(evil)}`, token))).items.map((x) => x.id),
    ).toEqual([n.id]);
  });
});

describe("rate limit", () => {
  it("writes past the per-user limit get 429 with Retry-After; reads are not limited", { timeout: 60_000 }, async () => {
    const { token } = await newUser();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let round = 0; round < 20 && !limited; round++) {
      const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => call("POST", "/notebooks", token, { name: `n${round}-${i}` })));
      for (const res of batch) {
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
        else await res.body?.cancel();
      }
    }
    // the test limit is 120/min (vitest.config.ts); the bucket refills while the batches run, so at least 120 pass
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(120);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    await expectProblem(limited as Response, 429, "rate_limited");
    expect(Number(limited?.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await call("GET", "/notebooks", token)).status).toBe(200);
  });
});
