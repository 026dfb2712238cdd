import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import registry from "../../../products.json";

type Echo = { service: string; method: string; url: string; requestId: string | null; authorization: string | null; body: string | null };

describe("routing", () => {
  it.each([
    ["/auth/v1/login", "accounts"],
    ["/auth", "accounts"],
    ["/auth/.well-known/jwks.json", "accounts"],
    ["/todo/v1/todos?status=active&limit=5", "todo"],
    ["/todo/openapi.json", "todo"],
    ["/links/v1/links", "links"],
    ["/notes/v1/notes?tag=a", "notes"],
    ["/blog/api/articles?limit=2", "blog"],
    ["/chat/", "chat"],
    ["/chat/v1/rooms", "chat"],
    ["/boards/v1/boards", "boards"],
    ["/gateway/v1/workspaces", "gateway"],
    ["/gw/acme/v1/users/7?x=1", "gateway"],
    ["/gw", "gateway"],
    ["/gws", "links"],
    ["/blogs", "links"],
    ["/_docs/swagger-ui-bundle.js", "docs"],
    ["/aB3-x_9", "links"],
    ["/nope?utm_source=x", "links"],
    ["/todos", "links"],
  ])("%s goes to %s with path and query unchanged", async (path, service) => {
    const res = await SELF.fetch(`http://edge.test${path}`);
    expect(res.status).toBe(200);
    const body = await res.json<Echo>();
    expect(body.service).toBe(service);
    expect(body.url).toBe(`http://edge.test${path}`);
  });

  it("the gateway's proxied traffic gets no front-door CORS: its preflight reaches the gateway", async () => {
    const headers = { Origin: "https://app.example.com", "Access-Control-Request-Method": "PUT" };
    const proxied = await SELF.fetch("http://edge.test/gw/acme/v1/users", { method: "OPTIONS", headers });
    expect(proxied.headers.get("X-Upstream")).toBe("gateway");
    expect(proxied.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const admin = await SELF.fetch("http://edge.test/gateway/v1/workspaces", { method: "OPTIONS", headers });
    expect(admin.status).toBe(204);
    expect(admin.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
  });

  it("forwards method, headers and body", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos", {
      method: "POST",
      headers: { Authorization: "Bearer abc", "Content-Type": "application/json" },
      body: '{"title":"x"}',
    });
    expect(await res.json<Echo>()).toMatchObject({ method: "POST", authorization: "Bearer abc", body: '{"title":"x"}' });
    expect(res.headers.get("X-Upstream")).toBe("todo");
  });

  it.each(["/authx/v1/login", "/nope/deeper", "/todo..", "/favicon.ico", "/%2e%2e/etc/passwd", "/todo%2Fv1", `/${"a".repeat(65)}`])(
    "unknown path %s is a 404 problem",
    async (path) => {
      const res = await SELF.fetch(`http://edge.test${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const body = await res.json<Record<string, unknown>>();
      expect(body).toMatchObject({ type: "https://edgeworks.dev/problems/not-found", title: "Not found", status: 404, code: "not_found" });
      expect(body.instance).toBe(res.headers.get("X-Request-Id"));
    },
  );

  it("the front door's own routes are never shadowed by a slug", async () => {
    const res = await SELF.fetch("http://edge.test/health");
    expect(res.headers.get("X-Upstream")).toBeNull();
    expect(await res.json()).toMatchObject({ status: "ok", service: "edge" });
  });

  it("a path that normalises into a prefix is routed by its normalised form only", async () => {
    const res = await SELF.fetch("http://edge.test/nope/../todo/v1/todos");
    // URL parsing resolves dot segments before routing: the product sees the clean path
    expect((await res.json<Echo>()).url).toBe("http://edge.test/todo/v1/todos");
  });
});

describe("request id", () => {
  it("generates one when absent and forwards it", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos");
    const id = res.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json<Echo>()).requestId).toBe(id);
  });

  it("keeps a valid client id", async () => {
    const res = await SELF.fetch("http://edge.test/todo/x", { headers: { "X-Request-Id": "client-req_123=" } });
    expect(res.headers.get("X-Request-Id")).toBe("client-req_123=");
    expect((await res.json<Echo>()).requestId).toBe("client-req_123=");
  });

  it.each([["has spaces in it"], ["x".repeat(129)], ["<script>"], ["a\tb"]])("replaces an invalid client id %j", async (bad) => {
    const res = await SELF.fetch("http://edge.test/todo/x", { headers: { "X-Request-Id": bad } });
    const id = res.headers.get("X-Request-Id");
    expect(id).not.toBe(bad);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("CORS", () => {
  it("answers a preflight from an allowed origin", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos", {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example.com",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, if-match, range, x-d1-bookmark",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("range");
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("x-d1-bookmark");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("PATCH");
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("600");
    expect(res.headers.get("X-Upstream")).toBeNull(); // never reaches the product
  });

  it("sets allow-origin and exposed headers on proxied responses", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos", { headers: { Origin: "https://admin.example.com" } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://admin.example.com");
    const exposed = res.headers.get("Access-Control-Expose-Headers")?.split(", ") ?? [];
    expect(exposed).toEqual(
      expect.arrayContaining(["X-Request-Id", "ETag", "Content-Range", "Accept-Ranges", "Content-Disposition", "X-D1-Bookmark"]),
    );
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("adds only Vary when the request has no Origin (not a CORS request)", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("does not allow an unlisted origin", async () => {
    const res = await SELF.fetch("http://edge.test/todo/v1/todos", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "DELETE" },
    });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("own routes", () => {
  it("serves /health", async () => {
    const res = await SELF.fetch("http://edge.test/health");
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; time: string }>();
    expect(body.status).toBe("ok");
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  });

  it("serves the landing page listing every product's reference", async () => {
    const res = await SELF.fetch("http://edge.test/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    const html = await res.text();
    for (const prefix of ["/auth", "/todo", "/links", "/notes", "/blog", "/chat", "/boards"]) {
      expect(html).toContain(`href="${prefix}/docs"`);
      expect(html).toContain(`href="${prefix}/openapi.json"`);
    }
  });

  it("serves /openapi.json: every product's document and reference page, in registry order, answered by the front door itself", async () => {
    const res = await SELF.fetch("http://edge.test/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Upstream")).toBeNull();
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    const index = await res.json<{ title: string; products: Record<string, string>[] }>();
    expect(index.title).toBe("Edgeworks API documents");
    expect(index.products).toEqual(
      registry.products.map((p) => ({
        name: p.name,
        prefix: p.prefix,
        description: p.description,
        openapi: `${p.prefix}/openapi.json`,
        docs: `${p.prefix}/docs`,
      })),
    );
    // the registry's own reference link is the one the index gives
    for (const [i, p] of registry.products.entries()) expect(index.products[i]?.docs).toBe(p.docs);
  });

  it("links /openapi.json from the landing page", async () => {
    const html = await (await SELF.fetch("http://edge.test/")).text();
    expect(html).toContain('href="/openapi.json"');
  });

  it("answers other methods on /openapi.json with a 404 problem (it is not forwarded)", async () => {
    const res = await SELF.fetch("http://edge.test/openapi.json", { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("X-Upstream")).toBeNull();
  });

  it("refuses other methods on /health with a problem", async () => {
    const res = await SELF.fetch("http://edge.test/health", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});
