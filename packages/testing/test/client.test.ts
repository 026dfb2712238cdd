import { describe, expect, it } from "vitest";
import { createTestClient } from "../src/client";

/** Answers every request with what it received, so a test sees exactly what the client sent. */
const echo = async (url: string, init: RequestInit = {}) =>
  Response.json({ url, method: init.method, headers: Object.fromEntries(new Headers(init.headers)), body: init.body ?? null });
type Echo = { url: string; method: string; headers: Record<string, string>; body: string | null };

describe("createTestClient", () => {
  it("sends JSON with a bearer token under the base, and the per-request headers", async () => {
    let n = 0;
    const api = createTestClient("http://x.test/x/v1", { fetch: echo, headers: () => ({ "CF-Connecting-IP": `10.0.0.${++n}` }) });
    const sent = await api.ok<Echo>(api.call("POST", "/things", "tok", { a: 1 }));
    expect(sent).toEqual({
      url: "http://x.test/x/v1/things",
      method: "POST",
      headers: { authorization: "Bearer tok", "content-type": "application/json", "cf-connecting-ip": "10.0.0.1" },
      body: '{"a":1}',
    });
    const again = await api.ok<Echo>(api.call("GET", "http://other.test/abs", undefined, undefined, { "CF-Connecting-IP": "mine" }));
    expect(again).toEqual({ url: "http://other.test/abs", method: "GET", headers: { "cf-connecting-ip": "mine" }, body: null });
  });

  it("uses RealWorld's Token scheme when told, and sends string bodies as they are", async () => {
    const rw = createTestClient("http://b.test/api", { fetch: echo, scheme: "Token" });
    const sent = await rw.ok<Echo>(rw.call("PUT", "/user", "t1", '{"raw":'));
    expect(sent.headers.authorization).toBe("Token t1");
    expect(sent.body).toBe('{"raw":');
  });

  it("ok fails on another status and reads an empty body as null", async () => {
    const api = createTestClient("http://x.test", { fetch: async () => new Response(null, { status: 204 }) });
    expect(await api.ok(api.call("DELETE", "/a"), 204)).toBeNull();
    await expect(api.ok(api.call("DELETE", "/a"))).rejects.toThrow(/expected 204 to be 200/);
  });

  it("problem asserts a whole problem+json body", async () => {
    const body = {
      type: "https://edgeworks.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: "x",
      instance: "r1",
      code: "not_found",
    };
    const fetch = async () =>
      Response.json(body, { status: 404, headers: { "Content-Type": "application/problem+json", "X-Request-Id": "r1" } });
    const api = createTestClient("http://x.test", { fetch });
    expect(await api.problem(api.call("GET", "/a"), 404, "not_found")).toEqual(body);
    await expect(api.problem(api.call("GET", "/a"), 404, "gone")).rejects.toThrow();
  });
});
