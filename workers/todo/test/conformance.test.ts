import { SELF } from "cloudflare:test";
import { describeConformance, extraBadCredentials, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";
import { BASE, call, createTodo, expectProblem, listAll, newUser, type Todo } from "./helpers";

/** Every route under /todo/v1; `ID` and `TAG` are replaced by the owner's todo and tag. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/todos", read: true },
  { method: "POST", path: "/todos", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/todos?status=completed", read: false },
  { method: "POST", path: "/todos/complete-all", read: false },
  { method: "GET", path: "/todos/ID", read: true },
  { method: "PATCH", path: "/todos/ID", body: { title: "x" }, read: false },
  { method: "PUT", path: "/todos/ID", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/todos/ID", read: false },
  { method: "POST", path: "/todos/ID/complete", read: false },
  { method: "POST", path: "/todos/ID/incomplete", read: false },
  { method: "GET", path: "/tags", read: true },
  { method: "PATCH", path: "/tags/TAG", body: { name: "x" }, read: false },
  { method: "DELETE", path: "/tags/TAG", read: false },
];

let owner = { id: "", token: "" };
let todo: Todo;
let done: Todo;
let snapshot: Todo[];

beforeAll(async () => {
  owner = await newUser();
  todo = await createTodo(owner.token, { title: "Owner's todo", tags: ["secret"], description: "private" });
  done = await createTodo(owner.token, { title: "Owner's done todo", tags: ["secret"] });
  done = (await (await call("POST", `/todos/${done.id}/complete`, owner.token)).json()) as Todo;
  snapshot = await listAll(owner.token);
});

describeConformance({
  name: "todo",
  origin: "http://todo.test",
  prefix: "/todo",
  worker,
  handlers: ["fetch"],
  durableObjects: ["RateLimiter"],
  schema,
  security: {
    routes: ROUTES,
    fill: (text) => text.replace("ID", todo.id).replace("TAG", "secret"),
    owner: () => owner,
    otherScopes: ["", "profile"],
    snapshot: () => listAll(owner.token),
    badCredentials: [
      extraBadCredentials.emptyBearer,
      extraBadCredentials.otherIssuer,
      extraBadCredentials.unknownApiKey,
      extraBadCredentials.apiKeyPrefix,
    ],
    wwwAuthenticate: /^Bearer realm="edgeworks", error="invalid_(request|token)"/,
    isolation: {
      title: "isolation: another user's todos are 404 and invisible",
      routes: (r) => r.path.includes("ID"),
      name: "%s on the owner's todo is 404",
      stranger: () => newUser(),
      untouched: "the owner's todos are untouched",
    },
    hostile: {
      cases: [
        hostile.malformed(),
        hostile.textPlain('{"title":"x","name":"x"}'),
        hostile.form("title=x&name=x"),
        hostile.twoMiB(),
        hostile.invalid("a lone surrogate", '{"title":"bad \\ud800 text","name":"bad \\ud800"}'),
        hostile.invalid("a NUL character", '{"title":"a\\u0000b","name":"a\\u0000b"}'),
      ],
      // a missing body is validated as `{}`: 422 where fields are required; for PATCH /todos/{id} it is the empty (no-op) patch
      missingBody: (r) => r.path !== "/todos/ID" || r.method !== "PATCH",
    },
    extend: {
      scopes: () => {
        it("todo:read allows reads, todo:write allows writes, and * allows both", async () => {
          const { token: readToken } = await newUser("todo:read");
          expect((await call("GET", "/todos", readToken)).status).toBe(200);
          const writer = await newUser("todo:write other:scope");
          expect((await call("POST", "/todos", writer.token, { title: "w" })).status).toBe(201);
          expect((await call("GET", "/tags", writer.token)).status).toBe(403);
        });
      },
      isolation: (stranger) => {
        it.each([
          ["PATCH", { name: "mine" }],
          ["DELETE", undefined],
        ])("%s /tags/{owner's tag} is 404", async (method, body) => {
          await expectProblem(await call(method, "/tags/secret", stranger().token, body), 404, "not_found");
        });

        it("lists, searches and tags show nothing of the owner's", async () => {
          const { token } = stranger();
          expect(await listAll(token)).toEqual([]);
          expect(await listAll(token, "q=Owner")).toEqual([]);
          expect(await listAll(token, "tag=secret")).toEqual([]);
          expect(await listAll(token, "status=completed")).toEqual([]);
          expect(await (await call("GET", "/tags", token)).json()).toEqual({ items: [] });
        });

        it("bulk operations touch only the caller's todos", async () => {
          const { token } = stranger();
          const mine = await createTodo(token, { tags: ["secret"] });
          expect(await (await call("POST", "/todos/complete-all", token)).json()).toEqual({ updated: 1 });
          expect(await (await call("DELETE", "/todos?status=completed", token)).json()).toEqual({ deleted: 1 });
          expect((await call("GET", `/todos/${mine.id}`, token)).status).toBe(404);
        });

        it("a cursor from the owner's listing reveals nothing", async () => {
          const page = (await (await call("GET", "/todos?limit=1", owner.token)).json()) as { nextCursor: string };
          const res = await call("GET", `/todos?limit=1&cursor=${page.nextCursor}`, stranger().token);
          expect(await res.json()).toEqual({ items: [], nextCursor: null });
        });
      },
      hostileBodies: () => {
        it("a missing body to PATCH /todos/{id} is the empty patch: nothing changes", async () => {
          const res = await SELF.fetch(`${BASE}/todos/${todo.id}`, {
            method: "PATCH",
            headers: { Authorization: `Bearer ${owner.token}` },
          });
          expect(res.status).toBe(200);
          expect(await res.json()).toEqual(snapshot.find((t) => t.id === todo.id));
        });

        it("SQL-ish strings are stored and matched literally", async () => {
          const { token } = await newUser();
          const evil = "'; DROP TABLE todos; --";
          const t = await createTodo(token, { title: evil, description: `" OR 1=1 --`, tags: [evil.slice(0, 20), "x' OR '1'='1"] });
          expect(t).toMatchObject({ title: evil, description: `" OR 1=1 --`, tags: ["'; DROP TABLE todos;", "x' OR '1'='1"] });
          expect((await listAll(token, `q=${encodeURIComponent("DROP TABLE")}`)).map((x) => x.id)).toEqual([t.id]);
          expect((await listAll(token, `tag=${encodeURIComponent("x' OR '1'='1")}`)).map((x) => x.id)).toEqual([t.id]);
          expect((await call("PATCH", `/tags/${encodeURIComponent("x' OR '1'='1")}`, token, { name: "safe" })).status).toBe(200);
          expect((await listAll(token)).map((x) => x.tags)).toEqual([["'; DROP TABLE todos;", "safe"]]);
        });
      },
    },
  },
});
