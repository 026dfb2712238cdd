import { env, SELF } from "cloudflare:test";
import { hostileBodies, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { BASE, call, createNote, createNotebook, expectProblem, newUser, ok, share, type User, upload } from "./helpers";

type Route = { method: string; path: string; body?: unknown; read: boolean };
/** Every authenticated route; NB, NOTE, REV, ATT and UID become the owner's notebook, note, revision, attachment and sharee. */
const ROUTES: Route[] = [
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
const label = (r: Route) => `${r.method} ${r.path}`;

let owner: User;
let friend: User;
const ids = { NB: "", NOTE: "", REV: "", ATT: "", UID: "" };
const at = (r: Route) => r.path.replace(/NB|NOTE|REV|ATT|UID/g, (k) => ids[k as keyof typeof ids]);
const bodyOf = (r: Route) => (r.body && typeof r.body === "object" ? JSON.parse(JSON.stringify(r.body).replace("NB", ids.NB)) : r.body);
/** The owner's whole state, straight from D1, for "nothing changed" checks. */
const snapshot = async () => {
  const tables = ["notebooks", "notes", "revisions", "shares", "public_links", "attachments"];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await env.DB.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()).results;
  return JSON.stringify(out);
};
let before = "";

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
  before = await snapshot();
});

describe("authentication", () => {
  const badCredentials: [string, () => Promise<Record<string, string>>][] = [
    ["no Authorization header", async () => ({})],
    ["a Basic header", async () => ({ Authorization: "Basic dXNlcjpwYXNz" })],
    ["garbage", async () => ({ Authorization: "Bearer not.a.jwt" })],
    ["an expired token", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, expiresIn: -60 })}` })],
    ["a tampered token", async () => ({ Authorization: `Bearer ${tamper(await mintToken({ sub: owner.id }))}` })],
    ["an alg:none token", async () => ({ Authorization: `Bearer ${unsignedToken(owner.id)}` })],
    ["a token for another audience", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, audience: "other" })}` })],
    ["an unknown API key", async () => ({ Authorization: `Bearer ewk_abcdEFGH_${"x".repeat(43)}` })],
    ["a broken accounts answer", async () => ({ Authorization: `Bearer ${TEST_API_KEYS.broken}` })],
  ];
  for (const [what, headers] of badCredentials) {
    test.each(ROUTES.map((r) => [label(r), r] as const))(`${what}: %s is 401`, async (_l, route) => {
      const init = { method: route.method, headers: { ...(await headers()), "Content-Type": "application/json" } };
      const res = await SELF.fetch(`${BASE}${at(route)}`, route.body ? { ...init, body: JSON.stringify(bodyOf(route)) } : init);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    });
  }

  it("an API key with notes scopes works", async () => {
    const [key] = Object.keys(TEST_API_KEYS.valid);
    expect((await call("GET", "/notes", key)).status).toBe(200);
  });

  it("no bad credential changed anything", async () => expect(await snapshot()).toBe(before));
});

describe("scopes", () => {
  test.each(ROUTES.map((r) => [label(r), r] as const))("%s needs the right scope", async (_l, route) => {
    const needed = route.read ? "notes:read" : "notes:write";
    for (const scope of [route.read ? "notes:write" : "notes:read", "todo:read todo:write"]) {
      const token = await mintToken({ sub: owner.id, scope });
      const body = await expectProblem(await call(route.method, at(route), token, bodyOf(route)), 403, "forbidden");
      expect(body.detail).toBe(`This credential lacks the "${needed}" scope`);
    }
  });

  it("no forbidden request changed anything", async () => expect(await snapshot()).toBe(before));
});

describe("isolation: a stranger gets 404 for everything of the owner's", () => {
  let intruder: User;
  beforeAll(async () => {
    intruder = await newUser();
  });

  test.each(ROUTES.filter((r) => /NB|NOTE|ATT/.test(r.path) && r.path !== "/notes/import").map((r) => [label(r), r] as const))(
    "%s is 404",
    async (_l, route) => {
      const res =
        route.path === "/notes/NOTE/attachments" && route.method === "POST"
          ? await upload(at(route), intruder.token, new Blob(["x"], { type: "text/plain" }), "x.txt")
          : await call(route.method, at(route), intruder.token, bodyOf(route));
      await expectProblem(res, 404, "not_found");
    },
  );

  it("lists, search, trash and shared show nothing of the owner's", async () => {
    for (const path of ["/notes", "/notebooks", "/search?q=secret", "/trash", "/shared", "/notes?tag=secret", "/tags"]) {
      expect((await ok<{ items: unknown[] }>(call("GET", path, intruder.token))).items).toEqual([]);
    }
  });

  it("a cursor from the owner's listing reveals nothing", async () => {
    await createNote(owner.token, ids.NB, { title: "second" });
    const page = await ok<{ nextCursor: string }>(call("GET", "/notes?limit=1", owner.token));
    expect(await ok(call("GET", `/notes?limit=1&cursor=${page.nextCursor}`, intruder.token))).toEqual({ items: [], nextCursor: null });
  });
});

describe("hostile request bodies", () => {
  const JSON_ROUTES = ROUTES.filter((r) => r.body !== undefined);
  const send = (route: Route, body: string | Uint8Array, contentType = "application/json") =>
    SELF.fetch(`${BASE}${at(route)}`, {
      method: route.method,
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": contentType },
      body,
    });
  let snap = "";
  beforeAll(async () => {
    snap = await snapshot();
  });
  const cases: [string, string, string, number, string][] = [
    ["malformed JSON", hostileBodies.malformed, "application/json", 400, "malformed_json"],
    ["a text/plain body", '{"name":"x"}', "text/plain", 415, "unsupported_media_type"],
    ["a form body", "name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
    ["a 5 MiB body", JSON.stringify({ title: "x".repeat(5 * 1024 * 1024) }), "application/json", 413, "payload_too_large"],
    [
      "a lone surrogate",
      '{"title":"bad \\ud800","name":"bad \\ud800","email":"\\ud800@x.y","content":"\\ud800"}',
      "application/json",
      422,
      "validation_failed",
    ],
    ["a JSON array", "[1,2]", "application/json", 422, "validation_failed"],
    ["JSON null", "null", "application/json", 422, "validation_failed"],
  ];
  for (const [what, body, type, status, code] of cases) {
    test.each(JSON_ROUTES.map((r) => [label(r), r] as const))(`${what} to %s is ${status}`, async (_l, route) => {
      await expectProblem(await send(route, body, type), status, code);
    });
  }

  test.each(JSON_ROUTES.map((r) => [label(r), r] as const))("deeply nested JSON to %s is a 400/422 problem", async (_l, route) => {
    const res = await send(route, hostileBodies.deeplyNested);
    await expectProblem(res, res.status === 400 ? 400 : 422, res.status === 400 ? "malformed_json" : "validation_failed");
  });

  test.each(JSON_ROUTES.filter((r) => r.method === "POST").map((r) => [label(r), r] as const))(
    "a missing body to %s is 422",
    async (_l, route) => {
      const res = await SELF.fetch(`${BASE}${at(route)}`, { method: route.method, headers: { Authorization: `Bearer ${owner.token}` } });
      await expectProblem(res, 422, "validation_failed");
    },
  );

  it("none of the hostile bodies changed anything", async () => expect(await snapshot()).toBe(snap));

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

describe("unknown paths", () => {
  it("are 401 without credentials and 404 with them", async () => {
    await expectProblem(await call("GET", "/nothing-here"), 401, "unauthorized");
    await expectProblem(await call("GET", "/nothing-here", owner.token), 404, "not_found");
  });
});
