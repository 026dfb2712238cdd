// transform end to end: config through the admin API (422s for injection and traversal), traffic through
// /gw/<slug>/… to the fake upstream, which echoes what it got.
import { describe, expect, it } from "vitest";
import { api, call, createWorkspace, gw, newUser, putConfig } from "../helpers";

interface Echo {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

const services = [{ name: "up", targets: [{ binding: "UPSTREAM_A" }] }];
const routeWith = (config: unknown) => ({
  name: "users",
  paths: ["/v1/users/:id"],
  service: "up",
  plugins: [{ name: "transform", config }],
});

async function workspace(config: unknown) {
  const user = await newUser();
  const ws = await createWorkspace(user.token);
  await putConfig(user.token, ws.slug, { services, routes: [routeWith(config)] });
  return { ...ws, token: user.token };
}

describe("transform through the proxy", () => {
  it("rewrites path, query, headers and the JSON body on the way up, and the response on the way back", async () => {
    const ws = await workspace({
      request: {
        path: { rewrite: "/internal/people/:id" },
        query: { add: { v: "2" }, remove: ["debug"] },
        headers: { add: { "X-Gateway": "edgeworks" }, remove: ["X-Secret"] },
        body: { rename: { name: "fullName" }, remove: ["role"], add: { "meta.source": "gw" } },
      },
      response: { headers: { remove: ["X-Upstream"], add: { "X-Transformed": "1" } }, body: { remove: ["headers"] } },
    });
    const res = await gw(ws.slug, "/v1/users/7?debug=1&q=a", {
      method: "POST",
      headers: { "content-type": "application/json", "x-secret": "s" },
      body: JSON.stringify({ name: "Ada", role: "admin" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBeNull();
    expect(res.headers.get("x-transformed")).toBe("1");
    const text = await res.text();
    expect(res.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).byteLength));
    const echo = JSON.parse(text) as Echo;
    expect(echo.headers).toBeUndefined();
    expect(echo.path).toBe("/internal/people/7");
    expect(echo.query).toEqual({ q: "a", v: "2" });
    expect(JSON.parse(echo.body)).toEqual({ fullName: "Ada", meta: { source: "gw" } });
  });

  it("refuses header injection and escaping rewrites when the config is saved (422, nothing changes)", async () => {
    const user = await newUser();
    const ws = await createWorkspace(user.token);
    const { version } = await putConfig(user.token, ws.slug, { services, routes: [routeWith({})] });
    const cases: [unknown, string][] = [
      [{ request: { headers: { add: { "X-A": "x\r\nSet-Cookie: pwned=1" } } } }, "routes[0].plugins[0].config.request.headers.add.X-A"],
      [{ response: { headers: { add: { "Bad Name": "v" } } } }, "routes[0].plugins[0].config.response.headers.add.Bad Name"],
      [{ request: { path: { rewrite: "/../admin/:id" } } }, "routes[0].plugins[0].config.request.path.rewrite"],
      [{ request: { path: { rewrite: "/x/%2e%2e/:id" } } }, "routes[0].plugins[0].config.request.path.rewrite"],
      [{ request: { path: { rewrite: "/x/:missing" } } }, "routes[0].plugins[0].config.request.path.rewrite"],
    ];
    for (const [config, path] of cases) {
      const res = await call("PUT", `/workspaces/${ws.slug}/config`, user.token, { services, routes: [routeWith(config)] });
      await api.problem(res, 422, "validation_failed", [path]);
    }
    const current = await api.ok<{ version: number }>(call("GET", `/workspaces/${ws.slug}/config`, user.token));
    expect(current.version).toBe(version);
  });

  it("passes an oversized JSON body through untouched, or answers 413 when strict", async () => {
    const body = JSON.stringify({ name: "Ada", pad: "x".repeat(300) });
    const init = { method: "PUT", headers: { "content-type": "application/json" }, body };
    const lenient = await workspace({ request: { body: { rename: { name: "fullName" } } }, maxBodyBytes: 100 });
    const passed = await gw(lenient.slug, "/v1/users/7", init);
    expect(((await passed.json()) as Echo).body).toBe(body);

    const strict = await workspace({ request: { body: { rename: { name: "fullName" } } }, maxBodyBytes: 100, strict: true });
    const refused = await gw(strict.slug, "/v1/users/7", init);
    expect(refused.status).toBe(413);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await refused.json()).toMatchObject({ status: 413, code: "payload_too_large" });
  });
});
