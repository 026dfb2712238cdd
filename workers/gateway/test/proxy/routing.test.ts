import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/contract";
import { matchRoute } from "../../src/proxy/router";
import { type Echo, route, service, snapshot, through, upstream } from "./support";

function matched(snap: Snapshot, method: string, host: string, path: string): string | null {
  const m = matchRoute(snap, method, host, path);
  return m && "route" in m ? m.route.id : null;
}

describe("router", () => {
  it("priority first, then more literal segments, then exact before *, then definition order", () => {
    const snap = snapshot({
      routes: [
        route({ id: "wild", paths: ["/v1/*"] }),
        route({ id: "param", paths: ["/v1/users/:id"] }),
        route({ id: "literal", paths: ["/v1/users/me"] }),
        route({ id: "users-wild", paths: ["/v1/users/*"] }),
        route({ id: "urgent", paths: ["/v1/users/:id"], priority: 10, methods: ["DELETE"] }),
        route({ id: "second", paths: ["/v1/users/me"] }),
      ],
    });
    expect(matched(snap, "GET", "h.test", "/v1/users/me")).toBe("literal");
    expect(matched(snap, "GET", "h.test", "/v1/users/7")).toBe("param");
    expect(matched(snap, "DELETE", "h.test", "/v1/users/me")).toBe("urgent");
    expect(matched(snap, "GET", "h.test", "/v1/users/7/posts")).toBe("users-wild");
    expect(matched(snap, "GET", "h.test", "/v1/users")).toBe("users-wild");
    expect(matched(snap, "GET", "h.test", "/v1/other")).toBe("wild");
    expect(matched(snap, "GET", "h.test", "/v2")).toBeNull();
  });

  it("parameters are decoded; * is the rest", () => {
    const snap = snapshot({ routes: [route({ id: "p", paths: ["/v1/users/:id/files/*"] })] });
    expect(matchRoute(snap, "GET", "h", "/v1/users/a%20b/files/x/y.txt")).toEqual({
      route: snap.routes[0],
      params: { id: "a b", "*": "x/y.txt" },
    });
  });

  it("hosts: exact or *.suffix (not the bare suffix); none = any", () => {
    const snap = snapshot({
      routes: [
        route({ id: "exact", hosts: ["api.example.com"], priority: 2 }),
        route({ id: "sub", hosts: ["*.example.com"], priority: 1 }),
        route({ id: "any" }),
      ],
    });
    expect(matched(snap, "GET", "api.example.com", "/v1/x")).toBe("exact");
    expect(matched(snap, "GET", "eu.example.com", "/v1/x")).toBe("sub");
    expect(matched(snap, "GET", "example.com", "/v1/x")).toBe("any");
  });

  it("methods: 405 lists every method of the routes whose path matches", () => {
    const snap = snapshot({ routes: [route({ id: "g", methods: ["GET"] }), route({ id: "d", methods: ["DELETE"], paths: ["/v1/:x"] })] });
    expect(matchRoute(snap, "POST", "h", "/v1/a")).toEqual({ allow: ["DELETE", "GET"] });
    expect(matchRoute(snap, "POST", "h", "/v1/a/b")).toEqual({ allow: ["GET"] });
  });

  it("a CORS preflight matches a route with the cors plugin whatever its methods; other OPTIONS get 405", () => {
    const snap = snapshot({
      routes: [
        route({ id: "cors", methods: ["GET", "POST"], plugins: [{ name: "cors", config: {} }] }),
        route({ id: "plain", paths: ["/v2/*"], methods: ["GET"] }),
      ],
    });
    expect(matchRoute(snap, "OPTIONS", "h", "/v1/a", true)).toMatchObject({ route: { id: "cors" } });
    expect(matchRoute(snap, "OPTIONS", "h", "/v1/a", false)).toEqual({ allow: ["GET", "POST"] });
    expect(matchRoute(snap, "OPTIONS", "h", "/v2/a", true)).toEqual({ allow: ["GET"] });
  });
});

describe("what goes upstream and comes back", () => {
  const snap = snapshot({ services: [service({ targets: [upstream("A")] })] });

  it("method, path under the workspace, query as sent, body; X-Forwarded-*, Via; hop-by-hop headers dropped", async () => {
    const res = await through(snap, "/v1/users/7?b=%20x&a=1", {
      method: "PATCH",
      body: '{"n":1}',
      headers: {
        "content-type": "application/json",
        connection: "keep-alive, x-secret-hop",
        "x-secret-hop": "1",
        "keep-alive": "timeout=5",
        "proxy-authorization": "Basic abc",
        te: "trailers",
        "x-forwarded-for": "198.51.100.1",
        "cf-connecting-ip": "203.0.113.9",
        "x-kept": "yes",
      },
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo).toMatchObject({ name: "A", method: "PATCH", path: "/v1/users/7", query: { b: " x", a: "1" }, body: '{"n":1}' });
    expect(echo.headers).toMatchObject({
      "x-kept": "yes",
      "x-forwarded-for": "198.51.100.1, 203.0.113.9",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "gateway.test",
      via: "1.1 edgeworks-gateway",
    });
    for (const gone of ["connection", "x-secret-hop", "keep-alive", "proxy-authorization", "te"])
      expect(echo.headers[gone]).toBeUndefined();
  });

  it("the response's hop-by-hop headers are dropped and Via added; other headers and status pass", async () => {
    const headers = JSON.stringify({ connection: "x-internal", "x-internal": "1", "x-public": "2", "keep-alive": "timeout=1" });
    const res = await through(snap, `/v1/x?fake-status=201&fake-headers=${encodeURIComponent(headers)}`);
    expect(res.status).toBe(201);
    expect(res.headers.get("x-public")).toBe("2");
    expect(res.headers.get("via")).toBe("1.1 edgeworks-gateway");
    expect(res.headers.get("x-internal")).toBeNull();
    expect(res.headers.get("keep-alive")).toBeNull();
    await res.body?.cancel();
  });

  it("a workspace root path and a HEAD pass too", async () => {
    const root = snapshot({ services: [service({ targets: [upstream("B")] })], routes: [route({ paths: ["/"] })] });
    const res = await through(root, "");
    expect(((await res.json()) as Echo).path).toBe("/");
    const head = await through(snap, "/v1/x", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });
});
