import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, validateConfig } from "../../src/config";
import { apiErrorOf, baseConfig, pathsOf } from "./support";

const prod = { DEV_MODE: "false", UPSTREAM_BINDINGS: "UPSTREAM_A,UPSTREAM_B" };
const dev = { ...prod, DEV_MODE: "true" };
const check = (input: unknown, env = prod) => validateConfig(input, { env });

describe("validateConfig", () => {
  it("fills in defaults and ids (svc_/tgt_/rte_/csm_) and keeps given ids", () => {
    const c = check({ ...baseConfig(), consumers: [{ username: "app" }] });
    expect(c.services[0]).toMatchObject({
      id: expect.stringMatching(/^svc_[A-Za-z0-9_-]{16}$/),
      algorithm: "round-robin",
      retries: 1,
      timeouts: { connectMs: 5000, readMs: 30000 },
      targets: [{ id: expect.stringMatching(/^tgt_/), url: "https://users.example.com", weight: 100 }],
    });
    expect(c.routes[0]).toMatchObject({ id: expect.stringMatching(/^rte_/), hosts: [], methods: [], priority: 0, service: "users" });
    expect(c.consumers[0]).toMatchObject({ id: expect.stringMatching(/^csm_/), groups: [], jwt: [], plugins: [] });
    expect(check(c)).toEqual(c);
  });

  it("an entity without an id keeps the previous version's id of the same name", () => {
    const first = check(baseConfig());
    const again = validateConfig(baseConfig(), { env: prod, previous: first });
    expect(again.services[0]?.id).toBe(first.services[0]?.id);
    expect(again.services[0]?.targets[0]?.id).toBe(first.services[0]?.targets[0]?.id);
    expect(again.routes[0]?.id).toBe(first.routes[0]?.id);
  });

  it("refuses unknown keys and out-of-range values with their paths", async () => {
    const c = baseConfig() as Record<string, unknown>;
    expect(await pathsOf(() => check({ ...c, extra: 1 }))).toEqual([""]);
    const bad = baseConfig();
    (bad.services[0] as Record<string, unknown>).retries = 9;
    (bad.routes[0] as Record<string, unknown>).methods = ["FETCH"];
    expect(await pathsOf(() => check(bad))).toEqual(["routes[0].methods[0]", "services[0].retries"]);
  });

  it("refuses bad names and path patterns", async () => {
    const c = baseConfig();
    c.services[0] = { ...c.services[0], name: "Users!" } as never;
    c.routes[0] = { ...c.routes[0], paths: ["v1", "/a/../b", "/a/*/b", "/a//b", "/x/%2f"] } as never;
    expect(await pathsOf(() => check(c))).toEqual([
      "routes[0].paths[0]",
      "routes[0].paths[1]",
      "routes[0].paths[2]",
      "routes[0].paths[3]",
      "routes[0].paths[4]",
      "services[0].name",
    ]);
  });

  it("caps lists and strings", async () => {
    const many = { ...baseConfig(), hosts: Array.from({ length: 51 }, (_, i) => `h${i}.example.com`) };
    expect(await pathsOf(() => check(many))).toEqual(["hosts"]);
    const long = baseConfig();
    long.routes[0] = { ...long.routes[0], name: "a".repeat(64) } as never;
    expect(await pathsOf(() => check(long))).toEqual(["routes[0].name"]);
  });

  it("a document over 512 KiB is 413", async () => {
    const huge = { ...baseConfig(), consumers: [{ username: "x", customId: "y".repeat(MAX_CONFIG_BYTES) }] };
    expect((await apiErrorOf(() => check(huge))).status).toBe(413);
  });

  it("duplicate names and ids are 422 at the second one", async () => {
    const c = baseConfig();
    c.services.push({ name: "users", targets: [{ url: "https://b.example.com" }] });
    c.routes.push({ ...c.routes[0], paths: ["/other"] } as never);
    c.consumers = [
      { id: "csm_same", username: "a" },
      { id: "csm_same", username: "b" },
    ];
    expect(await pathsOf(() => check(c))).toEqual(["consumers[1].id", "routes[1].name", "services[1].name"]);
  });

  it("a duplicate route (same hosts, path, methods, priority) is 422; a different priority is not", async () => {
    const c = baseConfig();
    c.routes.push({ name: "users-copy", paths: ["/v2", "/v1/users/:id"], service: "users", plugins: [] });
    expect(await pathsOf(() => check(c))).toEqual(["routes[1].paths[1]"]);
    c.routes[1] = { ...c.routes[1], priority: 5 } as never;
    expect(check(c).routes).toHaveLength(2);
  });

  it("a route naming an unknown service, or none without aggregate, is 422", async () => {
    const c = baseConfig();
    c.routes.push({ name: "ghost", paths: ["/ghost"], service: "nope", plugins: [] });
    c.routes.push({ name: "none", paths: ["/none"], service: null, plugins: [] });
    expect(await pathsOf(() => check(c))).toEqual(["routes[1].service", "routes[2].service"]);
  });

  it("plugin configs are checked against the plugin's own schema", async () => {
    const c = baseConfig();
    c.routes[0] = {
      ...c.routes[0],
      plugins: [
        { name: "cache", config: { ttlSeconds: 0 } },
        { name: "transform", config: { nope: true } },
      ],
    } as never;
    const paths = await pathsOf(() => check(c));
    expect(paths).toContain("routes[0].plugins[0].config.ttlSeconds");
    expect(paths.some((p) => p.startsWith("routes[0].plugins[1].config"))).toBe(true);
    c.routes[0] = { ...baseConfig().routes[0], plugins: [{ name: "no-such-plugin", config: {} }] } as never;
    expect(await pathsOf(() => check(c))).toEqual(["routes[0].plugins[0].name"]);
  });

  it("plugin order: acl needs auth earlier; a plugin at most once per route; auth cannot be a consumer override", async () => {
    const c = baseConfig();
    c.routes[0] = {
      ...c.routes[0],
      plugins: [
        { name: "acl", config: { allow: ["partners"] } },
        { name: "auth", config: {} },
        { name: "cache", config: {} },
        { name: "cache", config: {} },
      ],
    } as never;
    c.consumers = [{ username: "app", plugins: [{ name: "auth", config: {} }] }];
    expect(await pathsOf(() => check(c))).toEqual([
      "consumers[0].plugins[0].name",
      "routes[0].plugins[0].name",
      "routes[0].plugins[3].name",
    ]);
    c.routes[0] = {
      ...baseConfig().routes[0],
      plugins: [
        { name: "auth", config: {} },
        { name: "acl", config: { allow: ["partners"] } },
      ],
    } as never;
    c.consumers = [];
    expect(check(c).routes[0]?.plugins.map((p) => p.name)).toEqual(["auth", "acl"]);
  });

  it("rate-limit keyed by consumer (its default) or key needs auth earlier; by ip does not", async () => {
    const c = baseConfig();
    c.routes[0] = { ...baseConfig().routes[0], plugins: [{ name: "rate-limit", config: { limit: 10, windowSeconds: 60 } }] } as never;
    expect(await pathsOf(() => check(c))).toEqual(["routes[0].plugins[0].name"]);
    c.routes[0] = {
      ...baseConfig().routes[0],
      plugins: [{ name: "rate-limit", config: { limit: 10, windowSeconds: 60, by: "key" } }],
    } as never;
    expect(await pathsOf(() => check(c))).toEqual(["routes[0].plugins[0].name"]);
    c.routes[0] = {
      ...baseConfig().routes[0],
      plugins: [{ name: "rate-limit", config: { limit: 10, windowSeconds: 60, by: "ip" } }],
    } as never;
    expect(check(c).routes[0]?.plugins).toHaveLength(1);
  });

  it("cache before auth, acl or ip-restriction is 422 (a cached answer would skip them)", async () => {
    const c = baseConfig();
    c.routes[0] = {
      ...baseConfig().routes[0],
      plugins: [
        { name: "cache", config: {} },
        { name: "auth", config: {} },
        { name: "ip-restriction", config: { allow: ["10.0.0.0/8"] } },
      ],
    } as never;
    expect(await pathsOf(() => check(c))).toEqual(["routes[0].plugins[1].name", "routes[0].plugins[2].name"]);
  });

  it("path templates may only use parameters every path of the route has; aggregate calls name known services", async () => {
    const c = baseConfig();
    c.services.push({ name: "orders", targets: [{ url: "https://orders.example.com" }] });
    c.routes[0] = {
      ...baseConfig().routes[0],
      paths: ["/v1/users/:id", "/v1/people/:id"],
      plugins: [{ name: "transform", config: { request: { path: { rewrite: "/users/:uid" } } } }],
    } as never;
    c.routes.push({
      name: "agg",
      paths: ["/agg/:id"],
      service: null,
      plugins: [
        {
          name: "aggregate",
          config: {
            calls: [
              { name: "user", service: "users", path: "/users/:id" },
              { name: "orders", service: "nope", path: "/orders/:id/*" },
            ],
          },
        },
      ],
    });
    expect(await pathsOf(() => check(c))).toEqual([
      "routes[0].plugins[0].config.request.path.rewrite",
      "routes[1].plugins[0].config.calls[1].path",
      "routes[1].plugins[0].config.calls[1].service",
    ]);
  });

  it("consumers' JWT identities name a configured issuer, once", async () => {
    const c = baseConfig();
    c.issuers = [{ name: "corp", issuer: "https://id.example.com/", jwksUrl: "https://id.example.com/jwks.json" }];
    c.consumers = [
      { username: "a", jwt: [{ issuer: "corp", subject: "s1" }] },
      {
        username: "b",
        jwt: [
          { issuer: "corp", subject: "s1" },
          { issuer: "other", subject: "s2" },
        ],
      },
    ];
    expect(await pathsOf(() => check(c))).toEqual(["consumers[1].jwt[0]", "consumers[1].jwt[1].issuer"]);
  });

  it("a target is exactly one of url and binding; a binding must be in UPSTREAM_BINDINGS", async () => {
    const c = baseConfig();
    c.services[0] = {
      name: "users",
      targets: [
        { url: "https://a.example.com", binding: "UPSTREAM_A" },
        {},
        { binding: "UPSTREAM_A" },
        { binding: "ACCOUNTS" },
        { binding: "DB" },
      ],
    } as never;
    expect(await pathsOf(() => check(c))).toEqual([
      "services[0].targets[0]",
      "services[0].targets[1]",
      "services[0].targets[3].binding",
      "services[0].targets[4].binding",
    ]);
  });

  const refused = [
    "http://users.example.com",
    "https://10.0.0.8",
    "https://192.168.1.1:8443",
    "https://172.16.0.1",
    "https://127.0.0.1",
    "https://localhost",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]",
    "https://[fe80::1]",
    "https://[::ffff:127.0.0.1]",
    "https://2130706433",
    "https://0x7f.1",
    "https://user:pass@users.example.com",
    "https://users.example.com/base?x=1",
    "https://metadata.internal",
    "ftp://users.example.com",
    "file:///etc/passwd",
    "http://127.0.0.1:8080",
  ];
  it.each(refused)("SSRF: the target %s is refused in production", async (url) => {
    const c = baseConfig();
    c.services[0] = { name: "users", targets: [{ url }] };
    expect(await pathsOf(() => check(c))).toEqual(["services[0].targets[0].url"]);
  });

  it("DEV_MODE allows a loopback port over http, and nothing else private", async () => {
    for (const url of ["http://127.0.0.1:8080", "http://localhost:9000/base", "http://[::1]:7000"]) {
      const c = baseConfig();
      c.services[0] = { name: "users", targets: [{ url }] };
      expect(check(c, dev).services[0]?.targets[0]?.url).toBe(url);
    }
    for (const url of ["http://127.0.0.1", "http://10.0.0.1:80", "http://user:pw@127.0.0.1:8080", "http://169.254.169.254:80"]) {
      const c = baseConfig();
      c.services[0] = { name: "users", targets: [{ url }] };
      expect(await pathsOf(() => check(c, dev))).toEqual(["services[0].targets[0].url"]);
    }
  });

  it("an issuer's JWKS URL follows the same rules", async () => {
    const c = baseConfig();
    c.issuers = [{ name: "corp", issuer: "corp", jwksUrl: "https://169.254.169.254/jwks" }];
    expect(await pathsOf(() => check(c))).toEqual(["issuers[0].jwksUrl"]);
  });
});
