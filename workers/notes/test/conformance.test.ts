import { env } from "cloudflare:test";
import { describeConformance, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";
import { TEST_API_KEYS } from "./api-keys";
import { call, createNote, createNotebook, newUser, ok, share, type User, upload } from "./helpers";

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

describeConformance({
  name: "notes",
  origin: "http://notes.test",
  prefix: "/notes",
  worker,
  handlers: ["fetch", "scheduled"],
  durableObjects: ["RateLimiter"],
  schema,
  security: {
    routes: ROUTES,
    fill,
    owner: () => owner,
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
  },
});
