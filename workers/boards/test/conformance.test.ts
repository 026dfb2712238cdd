import { SELF } from "cloudflare:test";
import { describeConformance, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";
import { TEST_API_KEYS } from "./api-keys";
import { BASE, type Board, type Card, call, createCard, expectProblem, getBoard, newUser, ok, team, type User } from "./helpers";

/** Routes under /boards/v1 that take a Bearer credential; BOARD, LIST, CARD, CL and ITEM are the owner's. */
const ROUTES: SecurityRoute[] = [
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

let owner: User;
let board: Board;
let card: Card;
let ids: Record<string, string>;
const fill = (s: string) => s.replace(/BOARD|LIST|CARD2|CARD|CL|ITEM|MEMBER|ATT|COMMENT/g, (k) => ids[k] ?? k);

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
});

describeConformance({
  name: "boards",
  origin: "http://boards.test",
  prefix: "/boards",
  worker,
  handlers: ["fetch"],
  durableObjects: ["RateLimiter", "Board"],
  schema,
  security: {
    pathTricks: ["/cards/..%2F..%2Fboards", "/boards/%00", `/cards/${"a".repeat(65)}`],
    routes: ROUTES,
    fill,
    owner: () => owner,
    // the whole board, `seq` included: any accepted write bumps it
    snapshot: () => getBoard(owner, board.id),
    badCredentials: [extraBadCredentials.unknownApiKey],
    isolation: {
      title: "isolation",
      routes: (r) => /BOARD|LIST|CARD/.test(r.path),
      name: "%s on the owner's board is 404",
      stranger: () => newUser(),
      untouched: "the owner's board is untouched",
    },
    hostile: {
      routes: (r) => r.path !== "/boards/BOARD/template",
      cases: [
        hostile.malformed(),
        hostile.twoMiB(),
        hostile.invalid(
          "a lone surrogate",
          '{"title":"bad \\ud800","name":"bad \\ud800","text":"bad \\ud800","role":"\\ud800","pos":"\\ud800","listId":"\\ud800","blockedBy":"\\ud800","userId":"\\ud800","done":"\\ud800"}',
        ),
        hostile.invalid("wrong types", '{"title":1,"name":[],"text":{},"role":2,"pos":3,"listId":4,"blockedBy":5,"userId":6,"done":"yes"}'),
        hostile.invalid("a JSON array", "[1,2]"),
      ],
    },
    extend: {
      scopes: () => {
        it("API keys work with their scopes", async () => {
          const [readKey, fullKey] = Object.keys(TEST_API_KEYS.valid) as [string, string];
          await ok(call("GET", "/boards", readKey));
          await expectProblem(await call("POST", "/boards", readKey, { name: "x" }), 403, "forbidden");
          await ok(call("POST", "/boards", fullKey, { name: "by key" }), 201);
        });
      },
      isolation: (stranger) => {
        it("the intruder's lists show nothing of the owner's", async () => {
          expect(await (await call("GET", "/boards", stranger().token)).json()).toEqual({ items: [] });
        });
      },
      hostileBodies: () => {
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
      },
    },
  },
});
