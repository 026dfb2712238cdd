import { SELF } from "cloudflare:test";
import { hostileBodies, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { BASE, call, connect, createRoom, expectProblem, newUser, type Room, type User } from "./helpers";

type Route = { method: string; path: string; body?: unknown; read: boolean };
/** Every authenticated route; ID, UID are the owner's room and member. */
const ROUTES: Route[] = [
  { method: "GET", path: "/rooms", read: true },
  { method: "POST", path: "/rooms", body: { name: "x" }, read: false },
  { method: "POST", path: "/dm", body: { userId: "someone" }, read: false },
  { method: "POST", path: "/dm", body: { email: "someone@users.test" }, read: false },
  { method: "GET", path: "/rooms/ID", read: true },
  { method: "PATCH", path: "/rooms/ID", body: { name: "x" }, read: false },
  { method: "POST", path: "/rooms/ID/members", body: { userId: "someone" }, read: false },
  { method: "POST", path: "/rooms/ID/members", body: { email: "someone@users.test" }, read: false },
  { method: "PATCH", path: "/rooms/ID/members/UID", body: { role: "admin" }, read: false },
  { method: "DELETE", path: "/rooms/ID/members/UID", read: false },
  { method: "POST", path: "/rooms/ID/leave", read: false },
  { method: "GET", path: "/rooms/ID/messages", read: true },
  { method: "POST", path: "/rooms/ID/ticket", read: false },
  { method: "GET", path: "/rooms/ID/attachments/abc", read: true },
  { method: "GET", path: "/search?q=x", read: true },
  { method: "GET", path: "/presence?userIds=x", read: true },
  { method: "GET", path: "/notifications", read: true },
  { method: "GET", path: "/push/vapid-public-key", read: true },
  { method: "GET", path: "/push/subscriptions", read: true },
  { method: "POST", path: "/push/subscriptions", body: { endpoint: "https://p.example/x", keys: { p256dh: "x", auth: "y" } }, read: false },
  { method: "DELETE", path: "/push/subscriptions/abc", read: false },
];
const label = (r: Route) => `${r.method} ${r.path}`;

let owner: User;
let member: User;
let room: Room;
const at = (r: Route) => r.path.replace("ID", room.id).replace("UID", member.id);
const unchanged = async () => {
  const now = (await (await call("GET", `/rooms/${room.id}`, owner.token)).json()) as Room;
  expect(now).toEqual(room);
};

beforeAll(async () => {
  owner = await newUser();
  member = await newUser();
  room = await createRoom(owner, [member], "Security");
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
  ];
  for (const [what, headers] of badCredentials) {
    test.each(ROUTES.map((r) => [label(r), r] as const))(`${what}: %s is 401`, async (_l, route) => {
      const init = { method: route.method, headers: { ...(await headers()), "Content-Type": "application/json" } };
      const res = await SELF.fetch(`${BASE}${at(route)}`, route.body ? { ...init, body: JSON.stringify(route.body) } : init);
      await expectProblem(res, 401, "unauthorized");
    });
  }

  it("unknown paths under /chat/v1 are 401 without credentials and 404 with them", async () => {
    await expectProblem(await call("GET", "/nothing-here"), 401, "unauthorized");
    await expectProblem(await call("GET", "/nothing-here", owner.token), 404, "not_found");
  });

  it("no bad credential changed anything", unchanged);
});

describe("scopes", () => {
  test.each(ROUTES.map((r) => [label(r), r] as const))("%s needs the right scope", async (_l, route) => {
    const needed = route.read ? "chat:read" : "chat:write";
    const token = await mintToken({ sub: owner.id, scope: route.read ? "chat:write" : "chat:read" });
    const body = await expectProblem(await call(route.method, at(route), token, route.body), 403, "forbidden");
    expect(body.detail).toBe(`This credential lacks the "${needed}" scope`);
  });

  it("no forbidden request changed anything", unchanged);
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
    ["a text/plain body", '{"name":"x"}', "text/plain", 415, "unsupported_media_type"],
    ["a 2 MiB body", hostileBodies.twoMiB, "application/json", 413, "payload_too_large"],
    ["a 100 KiB body", JSON.stringify({ name: "x".repeat(100 * 1024) }), "application/json", 413, "payload_too_large"],
    ["a JSON array", "[]", "application/json", 422, "validation_failed"],
    ["JSON null", "null", "application/json", 422, "validation_failed"],
  ];
  for (const [what, body, type, status, code] of cases) {
    test.each(JSON_ROUTES.map((r) => [label(r), r] as const))(`${what} to %s is ${status}`, async (_l, route) => {
      await expectProblem(await send(route, body, type), status, code);
    });
  }

  test.each(JSON_ROUTES.map((r) => [label(r), r] as const))("deeply nested JSON to %s is a 400/413/422 problem", async (_l, route) => {
    const res = await send(route, hostileBodies.deeplyNested);
    expect([400, 413, 422]).toContain(res.status);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });

  test.each(JSON_ROUTES.map((r) => [label(r), r] as const))("a missing body to %s is 422", async (_l, route) => {
    const res = await SELF.fetch(`${BASE}${at(route)}`, { method: route.method, headers: { Authorization: `Bearer ${owner.token}` } });
    await expectProblem(res, 422, "validation_failed");
  });

  it.each([
    ["a lone surrogate", '{"name":"bad \\ud800"}'],
    ["NUL", '{"name":"a\\u0000b"}'],
  ])("%s in a room name is 422", async (_w, body) => {
    await expectProblem(await send({ method: "PATCH", path: "/rooms/ID", read: false }, body), 422, "validation_failed", ["name"]);
  });

  it.each(["/rooms/..%2F..%2Fetc", "/rooms/a%00b", `/rooms/${"x".repeat(65)}`, "/rooms/%F0%9F%98%80"])(
    "the path %s is 422 or 404",
    async (path) => {
      const res = await call("GET", path, owner.token);
      expect([404, 422]).toContain(res.status);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    },
  );

  it("none of the hostile bodies changed anything", unchanged);
});

describe("no secrets or stack traces leak", () => {
  it("an error frame and a problem body carry no stack", async () => {
    const a = await connect(owner, room.id);
    a.send("{bad");
    const err = await a.take((f) => f.type === "error");
    expect(JSON.stringify(err)).not.toMatch(/at .*\.ts|Error:/);
    await a.close();
    const res = await call("POST", "/rooms", owner.token, hostileBodies.malformed);
    expect(await res.text()).not.toMatch(/at .*\.ts|stack/);
  });
});
