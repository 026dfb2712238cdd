import { SELF } from "cloudflare:test";
import { hostileBodies } from "@edgeworks/testing";
import { describe, expect, it, test } from "vitest";
import { API, call, createLink, expectProblem, getLink, type Link, newUser, OWNER_ROUTES, rowsOf } from "./helpers";

describe("isolation between users", () => {
  it("user B gets 404 on user A's link for every route, never sees it in lists, and changes nothing", async () => {
    const a = await newUser();
    const b = await newUser();
    const link = await createLink(a.token, { tags: ["shared-tag"], title: "A's link" });
    for (const { method, path, body } of OWNER_ROUTES.filter((r) => r.path.includes("ID"))) {
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
