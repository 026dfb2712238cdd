// transform: config-time refusals (header injection, traversal) and the header, query and path changes.
import { describe, expect, it } from "vitest";
import { plugin } from "../../src/plugins/transform";
import { fakeContext, fakeRoute } from "../support/context";

const parse = (config: unknown) => plugin.schema.safeParse(config);
const issuePaths = (config: unknown) => {
  const r = parse(config);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};

describe("transform config", () => {
  it("refuses CR, LF and NUL in header values, in both directions", () => {
    expect(issuePaths({ request: { headers: { add: { "X-A": "a\r\nSet-Cookie: x=1" } } } })).toEqual(["request.headers.add.X-A"]);
    expect(issuePaths({ response: { headers: { add: { "X-A": "a\nb" } } } })).toEqual(["response.headers.add.X-A"]);
    expect(issuePaths({ request: { headers: { add: { "X-A": "a\0" } } } })).toEqual(["request.headers.add.X-A"]);
    expect(parse({ request: { headers: { add: { "X-A": "tab\tok" } } } }).success).toBe(true);
  });

  it("refuses header names that are not RFC 9110 tokens, and framing headers", () => {
    for (const name of ["X Bad", "X:A", "X\r\nY", "", "Ünï"]) {
      expect(parse({ request: { headers: { add: { [name]: "v" } } } }).success, name).toBe(false);
    }
    for (const name of ["Content-Length", "transfer-encoding", "Host", "Connection"]) {
      expect(parse({ request: { headers: { remove: [name] } } }).success, name).toBe(false);
      expect(parse({ response: { headers: { rename: { "x-a": name } } } }).success, name).toBe(false);
    }
  });

  it("refuses rewrites and prefixes that could leave the tree", () => {
    for (const rewrite of ["/../admin", "/a/%2e%2E/b", "/a/./b", "/a%2fb", "/a\\b", "no-slash", "/:bad-name", "/*/x"]) {
      expect(parse({ request: { path: { rewrite } } }).success, rewrite).toBe(false);
    }
    expect(parse({ request: { path: { stripPrefix: "/../x" } } }).success).toBe(false);
    expect(parse({ request: { path: { stripPrefix: "/a/:id" } } }).success).toBe(false);
    expect(parse({ request: { path: { stripPrefix: "/a", rewrite: "/b" } } }).success).toBe(false);
    expect(parse({ request: { path: { rewrite: "/v2/users/:id/*" } } }).success).toBe(true);
  });

  it("refuses unknown keys and prototype paths in body mappings", () => {
    expect(issuePaths({ request: { bogus: 1 } })).toEqual(["request"]);
    expect(parse({ request: { body: { add: { "__proto__.x": 1 } } } }).success).toBe(false);
    expect(parse({ response: { body: { rename: { a: "constructor.prototype" } } } }).success).toBe(false);
    expect(parse({ maxBodyBytes: 64 * 1024 * 1024 }).success).toBe(false);
  });
});

describe("transform headers, query and path", () => {
  it("adds, removes and renames request headers and query parameters before the upstream sees them", async () => {
    const config = plugin.schema.parse({
      request: {
        headers: { add: { "X-Api-Version": "2" }, remove: ["X-Debug"], rename: { "X-Old": "X-New" } },
        query: { add: { format: "json" }, remove: ["debug"], rename: { q: "query" } },
      },
    });
    const ctx = fakeContext({
      request: "/v1/search?q=a&q=b&debug=1&format=xml",
      init: { headers: { "X-Debug": "1", "X-Old": "o", "X-Api-Version": "spoofed" } },
    });
    const res = await ctx.run(plugin.create(config, ctx.route));
    expect(res.status).toBe(200);
    const sent = ctx.sent[0];
    expect(sent?.query.toString()).toBe("format=json&query=a&query=b");
    expect(sent?.request.headers.get("x-api-version")).toBe("2");
    expect(sent?.request.headers.has("x-debug")).toBe(false);
    expect(sent?.request.headers.has("x-old")).toBe(false);
    expect(sent?.request.headers.get("x-new")).toBe("o");
  });

  it("changes response headers, moving every Set-Cookie on a rename", async () => {
    const config = plugin.schema.parse({
      response: { headers: { add: { "X-Served-By": "gw" }, remove: ["Server"], rename: { "Set-Cookie": "X-Upstream-Cookie" } } },
    });
    const upstream = () => {
      const h = new Headers({ server: "nginx", "content-type": "text/plain" });
      h.append("set-cookie", "a=1");
      h.append("set-cookie", "b=2");
      return new Response("hi", { headers: h });
    };
    const ctx = fakeContext({ upstream });
    const res = await ctx.run(plugin.create(config, ctx.route));
    expect(await res.text()).toBe("hi");
    expect(res.headers.get("x-served-by")).toBe("gw");
    expect(res.headers.has("server")).toBe(false);
    expect(res.headers.has("set-cookie")).toBe(false);
    expect(res.headers.get("x-upstream-cookie")).toBe("a=1, b=2");
  });

  it("strips a prefix on a segment boundary only", async () => {
    const config = plugin.schema.parse({ request: { path: { stripPrefix: "/v1/api" } } });
    const a = fakeContext({ request: "/v1/api/users/7" });
    await a.run(plugin.create(config, a.route));
    expect(a.sent[0]?.path).toBe("/users/7");
    const b = fakeContext({ request: "/v1/apix/users" });
    await b.run(plugin.create(config, b.route));
    expect(b.sent[0]?.path).toBe("/v1/apix/users");
    const c = fakeContext({ request: "/v1/api" });
    await c.run(plugin.create(config, c.route));
    expect(c.sent[0]?.path).toBe("/");
  });

  it("re-encodes decoded params, so an encoded dot pair stays an ordinary segment", async () => {
    const config = plugin.schema.parse({ request: { path: { rewrite: "/internal/:id/*" } } });
    const ctx = fakeContext({ request: "/v1/x", params: { id: "a b", "*": "%2e%2e/ü" } });
    expect((await ctx.run(plugin.create(config, ctx.route))).status).toBe(200);
    expect(ctx.sent[0]?.path).toBe("/internal/a%20b/%252e%252e/%C3%BC");
  });

  it("rewrites the path from the route's params", async () => {
    const route = fakeRoute({ paths: ["/v1/users/:id/*"] });
    const config = plugin.schema.parse({ request: { path: { rewrite: "/internal/users/:id/files/*" } } });
    const ctx = fakeContext({ request: "/v1/users/7/a/b.txt", route, params: { id: "7", "*": "a/b.txt" } });
    expect((await ctx.run(plugin.create(config, route))).status).toBe(200);
    expect(ctx.sent[0]?.path).toBe("/internal/users/7/files/a/b.txt");
  });

  it("refuses at run time a rewrite whose params would climb out (400) and sends nothing", async () => {
    const config = plugin.schema.parse({ request: { path: { rewrite: "/internal/:id/*" } } });
    // params arrive decoded from the router: "..", a "/" inside one segment, dot segments inside the rest
    for (const params of [
      { id: "..", "*": "admin" },
      { id: ".", "*": "x" },
      { id: "7", "*": "a/../../admin" },
      { id: "a/b", "*": "" },
    ]) {
      const ctx = fakeContext({ request: "/v1/x", params });
      const res = await ctx.run(plugin.create(config, ctx.route));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { code: string }).code).toBe("bad_request");
      expect(ctx.sent).toHaveLength(0);
    }
  });

  it("answers 502 (the config's fault) when the rewrite names a param the route lacks", async () => {
    const config = plugin.schema.parse({ request: { path: { rewrite: "/users/:id" } } });
    const ctx = fakeContext({ request: "/v1/x", params: {} });
    const res = await ctx.run(plugin.create(config, ctx.route));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe("bad_gateway");
    expect(ctx.sent).toHaveLength(0);
  });
});
