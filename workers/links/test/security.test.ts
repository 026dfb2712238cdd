import { SELF } from "cloudflare:test";
import { defineSecuritySuite, extraBadCredentials, hostile, hostileBodies, mintToken, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { API, call, createLink, expectProblem, getLink, type Link, newUser, rowsOf } from "./helpers";

/**
 * Every owner route under /links/v1; `ID` is the owner's link. `POST /links` is not here: without a
 * credential it creates an anonymous link ("bad input" below covers its bodies).
 */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/links", read: true },
  { method: "POST", path: "/links/bulk", body: { links: [{ url: "https://example.com" }] }, read: false },
  { method: "GET", path: "/links/ID", read: true },
  { method: "PATCH", path: "/links/ID", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/links/ID", read: false },
  { method: "GET", path: "/links/ID/stats", read: true },
  { method: "GET", path: "/links/ID/stats.svg", read: true },
  { method: "GET", path: "/links/ID/qr", read: true },
];

let owner = { id: "", token: "" };
let ownerLink: Link;

beforeAll(async () => {
  owner = await newUser();
  ownerLink = await createLink(owner.token, { title: "Owner's link", tags: ["secret"] });
});

defineSecuritySuite({
  base: API,
  fetch: (url, init) => SELF.fetch(url, init),
  routes: ROUTES,
  fill: (text) => text.replace("ID", ownerLink.id),
  owner: () => owner,
  scopes: { read: "links:read", write: "links:write" },
  otherScopes: ["todo:read todo:write"],
  snapshot: () => rowsOf(owner.id),
  badCredentials: [
    extraBadCredentials.otherIssuer,
    extraBadCredentials.unknownApiKey,
    ["an API key while accounts fails", async () => ({ Authorization: `Bearer ${TEST_API_KEYS.broken}` })],
  ],
  hostile: {
    cases: [
      hostile.malformed(),
      hostile.textPlain('{"url":"https://example.com"}'),
      hostile.form("url=https://example.com"),
      hostile.twoMiB(),
      hostile.invalid("a lone surrogate", '{"url":"https://example.com","title":"bad \\ud800 text"}'),
      hostile.invalid("a NUL character", '{"url":"https://example.com","title":"a\\u0000b"}'),
      hostile.invalid("a JSON array", "[]"),
      hostile.invalid("JSON null", "null"),
    ],
    missingBody: (r) => r.method === "POST",
  },
  extend: {
    authentication: () => {
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
    },
  },
});

describe("isolation between users", () => {
  it("user B gets 404 on user A's link for every route, never sees it in lists, and changes nothing", async () => {
    const a = await newUser();
    const b = await newUser();
    const link = await createLink(a.token, { tags: ["shared-tag"], title: "A's link" });
    for (const { method, path, body } of ROUTES.filter((r) => r.path.includes("ID"))) {
      await expectProblem(await call(method, path.replace("ID", link.id), b.token, body), 404, "not_found");
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
