import { SELF } from "cloudflare:test";
import { hostileBodies, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { describe, expect, it, test } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { API, call, createLink, expectProblem, getLink, type Link, newUser, rowsOf } from "./helpers";

const routes = (id: string): [string, string, unknown?][] => [
  ["GET", "/links"],
  ["GET", `/links/${id}`],
  ["PATCH", `/links/${id}`, { title: "x" }],
  ["DELETE", `/links/${id}`],
  ["GET", `/links/${id}/stats`],
  ["GET", `/links/${id}/stats.svg`],
  ["GET", `/links/${id}/qr`],
  ["POST", "/links/bulk", { links: [{ url: "https://example.com" }] }],
];

describe("authentication", () => {
  const bad: [string, () => Promise<string | undefined>][] = [
    ["no token", async () => undefined],
    ["an expired token", () => mintToken({ sub: "u1", expiresIn: -60 })],
    ["a tampered token", async () => tamper(await mintToken({ sub: "u1" }))],
    ["a token for another audience", () => mintToken({ sub: "u1", audience: "someone-else" })],
    ["a token from another issuer", () => mintToken({ sub: "u1", issuer: "evil" })],
    ["an unsigned token", async () => unsignedToken("u1")],
    ["an unknown API key", async () => `ewk_unknown1_${"u".repeat(43)}`],
    ["an API key while accounts fails", async () => TEST_API_KEYS.broken],
  ];
  test.each(bad)("%s is 401 on every owner route", async (_label, token) => {
    const t = await token();
    for (const [method, path, body] of routes("V1StGXR8_Z5jdHi6B-myT")) {
      const res = await call(method, path, t, body);
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    }
  });

  it("a read-only token can read but not write (403)", async () => {
    const owner = await newUser();
    const link = await createLink(owner.token);
    const reader = await mintToken({ sub: owner.id, scope: "links:read" });
    expect((await call("GET", `/links/${link.id}`, reader)).status).toBe(200);
    await expectProblem(await call("PATCH", `/links/${link.id}`, reader, { title: "x" }), 403, "forbidden");
    await expectProblem(await call("DELETE", `/links/${link.id}`, reader), 403, "forbidden");
    const other = await mintToken({ sub: owner.id, scope: "todo:read todo:write" });
    await expectProblem(await call("GET", `/links/${link.id}`, other), 403, "forbidden");
  });

  it("API keys work through accounts' RPC, with their scopes", async () => {
    const [readKey, fullKey] = Object.keys(TEST_API_KEYS.valid) as [string, string];
    const created = await call("POST", "/links", fullKey, { url: "https://example.com/by-key" });
    expect(created.status).toBe(201);
    const link = (await created.json()) as Link;
    expect((await call("GET", `/links/${link.id}`, fullKey)).status).toBe(200);
    // the reader key belongs to another user: the writer's link is not theirs
    await expectProblem(await call("GET", `/links/${link.id}`, readKey), 404, "not_found");
    await expectProblem(await call("POST", "/links", readKey, { url: "https://example.com" }), 403, "forbidden");
  });
});

describe("isolation between users", () => {
  it("user B gets 404 on user A's link for every route, never sees it in lists, and changes nothing", async () => {
    const a = await newUser();
    const b = await newUser();
    const link = await createLink(a.token, { tags: ["shared-tag"], title: "A's link" });
    for (const [method, path, body] of routes(link.id).slice(1, 7)) {
      await expectProblem(await call(method, path, b.token, body), 404, "not_found");
    }
    const list = (await (await call("GET", "/links?tag=shared-tag&q=A", b.token)).json()) as { items: Link[] };
    expect(list.items).toEqual([]);
    expect(await getLink(a.token, link.id)).toEqual(link);
    expect(await rowsOf(b.id)).toHaveLength(0);
  });
});

describe("bad input", () => {
  const postRaw = (token: string, body: string, type = "application/json") =>
    SELF.fetch(`${API}/links`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": type }, body });

  test.each([
    ["malformed JSON", 400, "malformed_json", hostileBodies.malformed, "application/json"],
    ["deeply nested JSON (valid, but not an object)", 422, "validation_failed", hostileBodies.deeplyNested, "application/json"],
    ["truncated deeply nested JSON", 400, "malformed_json", hostileBodies.deeplyNested.slice(0, 5000), "application/json"],
    ["a lone surrogate", 422, "validation_failed", '{"url":"https://example.com","title":"bad \\ud800 text"}', "application/json"],
    ["a NUL character", 422, "validation_failed", '{"url":"https://example.com","title":"a\\u0000b"}', "application/json"],
    ["a wrong content type", 415, "unsupported_media_type", "url=https://example.com", "application/x-www-form-urlencoded"],
    ["text/plain", 415, "unsupported_media_type", '{"url":"https://example.com"}', "text/plain"],
    [
      "a 2 MiB body",
      413,
      "payload_too_large",
      JSON.stringify({ url: "https://example.com", title: "x".repeat(2 * 1024 * 1024) }),
      "application/json",
    ],
    ["an array", 422, "validation_failed", "[]", "application/json"],
    ["null", 422, "validation_failed", "null", "application/json"],
  ])("%s is %i %s and creates nothing", async (_label, status, code, body, type) => {
    const { token, id } = await newUser();
    await expectProblem(await postRaw(token, body, type), status, code);
    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("a PATCH with a bad body changes nothing", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { title: "Keep" });
    for (const [body, type, status] of [
      [hostileBodies.malformed, "application/json", 400],
      ['{"title":"x","url":"ftp://example.com"}', "application/json", 422],
      ['{"title":"\\udc00"}', "application/json", 422],
      ["title=x", "application/x-www-form-urlencoded", 415],
    ] as const) {
      const res = await SELF.fetch(`${API}/links/${link.id}`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
        body,
      });
      expect(res.status).toBe(status);
    }
    expect(await getLink(token, link.id)).toEqual(link);
  });

  test.each([
    ["an encoded ../", "..%2F..%2Fetc"],
    ["a quote and semicolon", "x'%3B%20DROP%20TABLE%20links"],
    ["a 65-character id", "a".repeat(65)],
    ["a dot", "a.b"],
  ])("%s in the id is a 422", async (_label, id) => {
    const { token } = await newUser();
    await expectProblem(await call("GET", `/links/${id}`, token), 422, "validation_failed", ["id"]);
    await expectProblem(await call("DELETE", `/links/${id}`, token), 422, "validation_failed", ["id"]);
  });

  it("a literal ../ is resolved by URL parsing and never reaches a query", async () => {
    const { token } = await newUser();
    await expectProblem(await call("GET", "/links/../../../etc/passwd", token), 404, "not_found");
  });

  it("an unknown route under /links/v1 is 404 (after authentication)", async () => {
    const { token } = await newUser();
    await expectProblem(await call("GET", "/nothing-here", token), 404, "not_found");
  });
});
