import { SELF } from "cloudflare:test";
import { hostileBodies, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { BASE, call, createTodo, expectProblem, listAll, newUser, type Todo } from "./helpers";

type Route = { method: string; path: string; body?: unknown; read: boolean };
/** Every route under /todo/v1; `ID` and `TAG` are replaced by the owner's todo and tag. */
const ROUTES: Route[] = [
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
const label = (r: Route) => `${r.method} ${r.path}`;

let owner = { id: "", token: "" };
let todo: Todo;
let done: Todo;
let snapshot: Todo[];
const at = (r: Route) => r.path.replace("ID", todo.id).replace("TAG", "secret");
const unchanged = async () => expect(await listAll(owner.token)).toEqual(snapshot);

beforeAll(async () => {
  owner = await newUser();
  todo = await createTodo(owner.token, { title: "Owner's todo", tags: ["secret"], description: "private" });
  done = await createTodo(owner.token, { title: "Owner's done todo", tags: ["secret"] });
  done = (await (await call("POST", `/todos/${done.id}/complete`, owner.token)).json()) as Todo;
  snapshot = await listAll(owner.token);
});

describe("authentication", () => {
  const badCredentials: [string, () => Promise<Record<string, string>>][] = [
    ["no Authorization header", async () => ({})],
    ["a Basic header", async () => ({ Authorization: "Basic dXNlcjpwYXNz" })],
    ["an empty Bearer", async () => ({ Authorization: "Bearer " })],
    ["garbage", async () => ({ Authorization: "Bearer not.a.jwt" })],
    ["an expired token", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, expiresIn: -60 })}` })],
    ["a tampered token", async () => ({ Authorization: `Bearer ${tamper(await mintToken({ sub: owner.id }))}` })],
    ["a token for another audience", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, audience: "other" })}` })],
    ["a token from another issuer", async () => ({ Authorization: `Bearer ${await mintToken({ sub: owner.id, issuer: "evil" })}` })],
    ["an alg:none token", async () => ({ Authorization: `Bearer ${unsignedToken(owner.id)}` })],
    ["an unknown API key", async () => ({ Authorization: `Bearer ewk_abcdEFGH_${"x".repeat(43)}` })],
    ["a token with the API key prefix", async () => ({ Authorization: `Bearer ewk_${await mintToken({ sub: owner.id })}` })],
  ];

  for (const [what, headers] of badCredentials) {
    test.each(ROUTES.map((r) => [label(r), r] as const))(`${what}: %s is 401`, async (_l, route) => {
      const init = { method: route.method, headers: { ...(await headers()), "Content-Type": "application/json" } };
      const res = await SELF.fetch(`${BASE}${at(route)}`, route.body ? { ...init, body: JSON.stringify(route.body) } : init);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks", error="invalid_(request|token)"/);
    });
  }

  it("unknown paths under /todo/v1 are 401 without credentials and 404 with them", async () => {
    await expectProblem(await call("GET", "/nothing-here"), 401, "unauthorized");
    await expectProblem(await call("GET", "/nothing-here", owner.token), 404, "not_found");
  });

  it("no bad credential changed anything", unchanged);
});

describe("scopes", () => {
  test.each(ROUTES.map((r) => [label(r), r] as const))("%s needs the right scope", async (_l, route) => {
    const needed = route.read ? "todo:read" : "todo:write";
    const other = route.read ? "todo:write" : "todo:read";
    for (const scope of [other, "", "profile"]) {
      const token = await mintToken({ sub: owner.id, scope });
      const res = await call(route.method, at(route), token, route.body);
      const body = await expectProblem(res, 403, "forbidden");
      expect(body).toMatchObject({ detail: `This credential lacks the "${needed}" scope` });
    }
  });

  it("todo:read allows reads, todo:write allows writes, and * allows both", async () => {
    const { token: readToken } = await newUser("todo:read");
    expect((await call("GET", "/todos", readToken)).status).toBe(200);
    const writer = await newUser("todo:write other:scope");
    expect((await call("POST", "/todos", writer.token, { title: "w" })).status).toBe(201);
    expect((await call("GET", "/tags", writer.token)).status).toBe(403);
  });

  it("no forbidden request changed anything", unchanged);
});

describe("isolation: another user's todos are 404 and invisible", () => {
  let intruder = { id: "", token: "" };
  beforeAll(async () => {
    intruder = await newUser();
  });

  test.each(ROUTES.filter((r) => r.path.includes("ID")).map((r) => [label(r), r] as const))(
    "%s on the owner's todo is 404",
    async (_l, route) => {
      await expectProblem(await call(route.method, at(route), intruder.token, route.body), 404, "not_found");
    },
  );

  it.each([
    ["PATCH", { name: "mine" }],
    ["DELETE", undefined],
  ])("%s /tags/{owner's tag} is 404", async (method, body) => {
    await expectProblem(await call(method, "/tags/secret", intruder.token, body), 404, "not_found");
  });

  it("lists, searches and tags show nothing of the owner's", async () => {
    expect(await listAll(intruder.token)).toEqual([]);
    expect(await listAll(intruder.token, "q=Owner")).toEqual([]);
    expect(await listAll(intruder.token, "tag=secret")).toEqual([]);
    expect(await listAll(intruder.token, "status=completed")).toEqual([]);
    expect(await (await call("GET", "/tags", intruder.token)).json()).toEqual({ items: [] });
  });

  it("bulk operations touch only the caller's todos", async () => {
    const mine = await createTodo(intruder.token, { tags: ["secret"] });
    expect(await (await call("POST", "/todos/complete-all", intruder.token)).json()).toEqual({ updated: 1 });
    expect(await (await call("DELETE", "/todos?status=completed", intruder.token)).json()).toEqual({ deleted: 1 });
    expect((await call("GET", `/todos/${mine.id}`, intruder.token)).status).toBe(404);
  });

  it("a cursor from the owner's listing reveals nothing", async () => {
    const page = (await (await call("GET", "/todos?limit=1", owner.token)).json()) as { nextCursor: string };
    const res = await call("GET", `/todos?limit=1&cursor=${page.nextCursor}`, intruder.token);
    expect(await res.json()).toEqual({ items: [], nextCursor: null });
  });

  it("the owner's todos are untouched", unchanged);
});

describe("hostile request bodies", () => {
  const JSON_ROUTES = ROUTES.filter((r) => r.body !== undefined);
  const send = (route: Route, body: string, contentType = "application/json") =>
    SELF.fetch(`${BASE}${at(route)}`, {
      method: route.method,
      headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": contentType },
      body,
    });
  const cases: [string, string, string, number, string][] = [
    ["malformed JSON", hostileBodies.malformed, "application/json", 400, "malformed_json"],
    ["a text/plain body", '{"title":"x","name":"x"}', "text/plain", 415, "unsupported_media_type"],
    ["a form body", "title=x&name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
    ["a 2 MiB body", hostileBodies.twoMiB, "application/json", 413, "payload_too_large"],
    ["a lone surrogate", '{"title":"bad \\ud800 text","name":"bad \\ud800"}', "application/json", 422, "validation_failed"],
    ["a NUL character", '{"title":"a\\u0000b","name":"a\\u0000b"}', "application/json", 422, "validation_failed"],
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

  // a missing body is validated as `{}`: 422 where fields are required; for PATCH /todos/{id} it is the empty (no-op) patch
  test.each(JSON_ROUTES.filter((r) => r.path !== "/todos/ID" || r.method !== "PATCH").map((r) => [label(r), r] as const))(
    "a missing body to %s is 422",
    async (_l, route) => {
      const res = await SELF.fetch(`${BASE}${at(route)}`, { method: route.method, headers: { Authorization: `Bearer ${owner.token}` } });
      await expectProblem(res, 422, "validation_failed");
    },
  );

  it("a missing body to PATCH /todos/{id} is the empty patch: nothing changes", async () => {
    const res = await SELF.fetch(`${BASE}/todos/${todo.id}`, { method: "PATCH", headers: { Authorization: `Bearer ${owner.token}` } });
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

  it("none of the hostile bodies changed anything", unchanged);
});
