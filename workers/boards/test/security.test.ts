import { SELF } from "cloudflare:test";
import { hostileBodies, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { BASE, type Board, type Card, call, createCard, expectProblem, getBoard, newUser, ok, team, type User } from "./helpers";

type Route = { method: string; path: string; body?: unknown; read: boolean };
/** Routes under /boards/v1 that take a Bearer credential; BOARD, LIST, CARD, CL and ITEM are the owner's. */
const ROUTES: Route[] = [
  { method: "GET", path: "/boards", read: true },
  { method: "POST", path: "/boards", body: { name: "x" }, read: false },
  { method: "GET", path: "/boards/BOARD", read: true },
  { method: "PATCH", path: "/boards/BOARD", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/boards/BOARD", read: false },
  { method: "POST", path: "/boards/BOARD/template", body: {}, read: false },
  { method: "POST", path: "/boards/BOARD/members", body: { userId: "someone" }, read: false },
  { method: "PATCH", path: "/boards/BOARD/members/MEMBER", body: { role: "admin" }, read: false },
  { method: "DELETE", path: "/boards/BOARD/members/MEMBER", read: false },
  { method: "GET", path: "/boards/BOARD/activity", read: true },
  { method: "GET", path: "/boards/BOARD/cards?q=x", read: true },
  { method: "GET", path: "/boards/BOARD/calendar?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z", read: true },
  { method: "POST", path: "/boards/BOARD/ticket", read: false },
  { method: "POST", path: "/boards/BOARD/lists", body: { name: "x" }, read: false },
  { method: "PATCH", path: "/lists/LIST", body: { name: "x" }, read: false },
  { method: "POST", path: "/lists/LIST/move", body: { pos: "top" }, read: false },
  { method: "POST", path: "/lists/LIST/cards", body: { title: "x" }, read: false },
  { method: "GET", path: "/cards/CARD", read: true },
  { method: "PATCH", path: "/cards/CARD", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/cards/CARD", read: false },
  { method: "POST", path: "/cards/CARD/move", body: { listId: "LIST" }, read: false },
  { method: "POST", path: "/cards/CARD/checklists", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/cards/CARD/checklists/CL", read: false },
  { method: "POST", path: "/cards/CARD/checklists/CL/items", body: { text: "x" }, read: false },
  { method: "PATCH", path: "/cards/CARD/checklists/CL/items/ITEM", body: { done: true }, read: false },
  { method: "POST", path: "/cards/CARD/comments", body: { text: "x" }, read: false },
  { method: "PATCH", path: "/cards/CARD/comments/COMMENT", body: { text: "x" }, read: false },
  { method: "DELETE", path: "/cards/CARD/comments/COMMENT", read: false },
  { method: "POST", path: "/cards/CARD/dependencies", body: { blockedBy: "CARD2" }, read: false },
  { method: "DELETE", path: "/cards/CARD/dependencies/CARD2", read: false },
  { method: "GET", path: "/cards/CARD/activity", read: true },
  { method: "POST", path: "/cards/CARD/attachments?filename=a.txt", read: false },
  { method: "GET", path: "/cards/CARD/attachments/ATT", read: true },
  { method: "DELETE", path: "/cards/CARD/attachments/ATT", read: false },
  { method: "POST", path: "/calendar-feed", read: false },
  { method: "DELETE", path: "/calendar-feed", read: false },
];
const label = (r: Route) => `${r.method} ${r.path}`;

let owner: User;
let board: Board;
let card: Card;
let ids: Record<string, string>;
const fill = (s: string) => s.replace(/BOARD|LIST|CARD2|CARD|CL|ITEM|MEMBER|ATT|COMMENT/g, (k) => ids[k] ?? k);
const at = (r: Route) => fill(r.path);
const bodyOf = (r: Route) => (r.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(r.body))));
let snapshot: Board;
const unchanged = async () => {
  const now = await getBoard(owner, board.id);
  expect({ ...now, seq: 0 }).toEqual({ ...snapshot, seq: 0 });
  expect(now.seq).toBe(snapshot.seq);
};

beforeAll(async () => {
  const t = await team();
  owner = t.admin;
  board = t.board;
  card = await createCard(owner, t.list.id, { title: "secret card", description: "private" });
  const card2 = await createCard(owner, t.list.id, { title: "other" });
  const withList = await ok<Card>(call("POST", `/cards/${card.id}/checklists`, owner.token, { title: "c", items: ["i"] }), 201);
  const withFile = await ok<Card>(
    SELF.fetch(`${BASE}/cards/${card.id}/attachments?filename=f.txt`, {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "text/plain" },
      body: "private file",
    }),
    201,
  );
  const commented = await ok<Card>(call("POST", `/cards/${card.id}/comments`, owner.token, { text: "owner's words" }), 201);
  ids = {
    COMMENT: commented.comments[0]?.id as string,
    ATT: withFile.attachments[0]?.id as string,
    BOARD: board.id,
    LIST: t.list.id,
    CARD: card.id,
    CARD2: card2.id,
    CL: withList.checklists[0]?.id as string,
    ITEM: withList.checklists[0]?.items[0]?.id as string,
    MEMBER: t.member.id,
  };
  snapshot = await getBoard(owner, board.id);
});

describe("authentication", () => {
  const bad: [string, () => Promise<Record<string, string>>][] = [
    ["no Authorization header", async () => ({})],
    ["a Basic header", async () => ({ Authorization: "Basic dXNlcjpwYXNz" })],
    ["garbage", async () => ({ Authorization: "Bearer not.a.jwt" })],
    ["an expired token", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, expiresIn: -60 })}` })],
    ["a tampered token", async () => ({ Authorization: `Bearer ${tamper(await mintToken({ sub: owner.id }))}` })],
    ["a token for another audience", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, audience: "other" })}` })],
    ["an alg:none token", async () => ({ Authorization: `Bearer ${unsignedToken(owner.id)}` })],
    ["an unknown API key", async () => ({ Authorization: `Bearer ewk_abcdEFGH_${"x".repeat(43)}` })],
  ];
  for (const [what, headers] of bad) {
    test.each(ROUTES.map((r) => [label(r), r] as const))(`${what}: %s is 401`, async (_l, route) => {
      const init = { method: route.method, headers: { ...(await headers()), "Content-Type": "application/json" } };
      const body = bodyOf(route);
      const res = await SELF.fetch(`${BASE}${at(route)}`, body ? { ...init, body: JSON.stringify(body) } : init);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    });
  }

  it("unknown paths are 401 without credentials and 404 with them", async () => {
    await expectProblem(await call("GET", "/nothing-here"), 401, "unauthorized");
    await expectProblem(await call("GET", "/nothing-here", owner.token), 404, "not_found");
  });

  it("no bad credential changed anything", unchanged);
});

describe("scopes", () => {
  test.each(ROUTES.map((r) => [label(r), r] as const))("%s needs the right scope", async (_l, route) => {
    const needed = route.read ? "boards:read" : "boards:write";
    const token = await mintToken({ sub: owner.id, scope: route.read ? "boards:write" : "boards:read" });
    const body = await expectProblem(await call(route.method, at(route), token, bodyOf(route)), 403, "forbidden");
    expect(body.detail).toBe(`This credential lacks the "${needed}" scope`);
  });

  it("API keys work with their scopes", async () => {
    const [readKey, fullKey] = Object.keys(TEST_API_KEYS.valid) as [string, string];
    await ok(call("GET", "/boards", readKey));
    await expectProblem(await call("POST", "/boards", readKey, { name: "x" }), 403, "forbidden");
    await ok(call("POST", "/boards", fullKey, { name: "by key" }), 201);
  });

  it("no forbidden request changed anything", unchanged);
});

describe("isolation", () => {
  let intruder: User;
  beforeAll(async () => {
    intruder = await newUser();
  });
  test.each(ROUTES.filter((r) => /BOARD|LIST|CARD/.test(r.path)).map((r) => [label(r), r] as const))(
    "%s on the owner's board is 404",
    async (_l, route) => {
      await expectProblem(await call(route.method, at(route), intruder.token, bodyOf(route)), 404, "not_found");
    },
  );
  it("the intruder's lists show nothing of the owner's", async () => {
    expect(await (await call("GET", "/boards", intruder.token)).json()).toEqual({ items: [] });
  });
  it("the owner's board is untouched", unchanged);
});

describe("hostile request bodies", () => {
  const JSON_ROUTES = ROUTES.filter((r) => r.body !== undefined && r.path !== "/boards/BOARD/template");
  const send = (route: Route, body: string, contentType = "application/json") =>
    SELF.fetch(`${BASE}${at(route)}`, {
      method: route.method,
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": contentType },
      body,
    });
  const cases: [string, string, string, number, string][] = [
    ["malformed JSON", hostileBodies.malformed, "application/json", 400, "malformed_json"],
    ["a 2 MiB body", hostileBodies.twoMiB, "application/json", 413, "payload_too_large"],
    [
      "a lone surrogate",
      '{"title":"bad \\ud800","name":"bad \\ud800","text":"bad \\ud800","role":"\\ud800","pos":"\\ud800","listId":"\\ud800","blockedBy":"\\ud800","userId":"\\ud800","done":"\\ud800"}',
      "application/json",
      422,
      "validation_failed",
    ],
    [
      "wrong types",
      '{"title":1,"name":[],"text":{},"role":2,"pos":3,"listId":4,"blockedBy":5,"userId":6,"done":"yes"}',
      "application/json",
      422,
      "validation_failed",
    ],
    ["a JSON array", "[1,2]", "application/json", 422, "validation_failed"],
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

  it("odd unicode and SQL-ish text are stored and matched literally", async () => {
    const t = await team();
    const evil = "'; DROP TABLE cards; -- 🚀 ﷽ \u202e";
    const c = await createCard(t.admin, t.list.id, { title: evil, labels: ["x' OR '1'='1"] });
    expect(c.title).toBe(evil.trim());
    const found = await ok<{ items: Card[] }>(
      call("GET", `/boards/${t.board.id}/cards?q=${encodeURIComponent("DROP TABLE")}`, t.admin.token),
    );
    expect(found.items.map((x) => x.id)).toEqual([c.id]);
    const byLabel = await ok<{ items: Card[] }>(
      call("GET", `/boards/${t.board.id}/cards?label=${encodeURIComponent("x' OR '1'='1")}`, t.admin.token),
    );
    expect(byLabel.items.map((x) => x.id)).toEqual([c.id]);
  });

  it("path tricks are refused", async () => {
    for (const path of ["/cards/..%2F..%2Fboards", "/boards/%00", `/cards/${"a".repeat(65)}`]) {
      const res = await call("GET", path, owner.token);
      expect([404, 422]).toContain(res.status);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
  });

  it("none of the hostile bodies changed anything", unchanged);
});

describe("OpenAPI", () => {
  it("documents every route", async () => {
    const doc = (await (await SELF.fetch("http://boards.test/boards/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const p of [
      "/boards/v1/boards",
      "/boards/v1/boards/{id}",
      "/boards/v1/boards/{id}/lists",
      "/boards/v1/lists/{listId}/cards",
      "/boards/v1/cards/{id}/move",
      "/boards/v1/boards/{id}/ws",
      "/boards/v1/boards/{id}/ticket",
      "/boards/v1/boards/{id}/calendar",
      "/boards/v1/calendar/{file}",
      "/boards/v1/cards/{id}/attachments",
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
