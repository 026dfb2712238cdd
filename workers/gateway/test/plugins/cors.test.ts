import { describe, expect, it } from "vitest";
import { originAllowed, plugin } from "../../src/plugins/cors";
import { gw } from "../helpers";
import { fakeContext } from "../support/context";
import { gatewayWith } from "../support/e2e";

const config = { origins: ["https://app.example.com", "https://*.partner.example"], credentials: true, exposeHeaders: ["X-Total"] };
const mw = (c: unknown = config) => plugin.create(plugin.schema.parse(c), fakeContext().route);
const preflight = (origin: string, headers: Record<string, string> = {}) =>
  fakeContext({
    init: { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "PUT", ...headers } },
  });
// an upstream that reflects whatever Origin it gets (a common misconfiguration the gateway must not pass on)
const reflecting = () =>
  fakeContext({
    init: { headers: { Origin: "https://evil.example" } },
    upstream: ({ request }) =>
      new Response("ok", {
        headers: { "Access-Control-Allow-Origin": request.headers.get("origin") ?? "", "Access-Control-Allow-Credentials": "true" },
      }),
  });

describe("cors plugin", () => {
  it("answers a preflight from a listed origin itself with 204 and the allowed methods and headers", async () => {
    const ctx = preflight("https://app.example.com", { "Access-Control-Request-Headers": "content-type, x-api-version" });
    const res = await ctx.run(mw());
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD, PUT, PATCH, POST, DELETE");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("content-type, x-api-version");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("600");
    expect(ctx.sent).toHaveLength(0);
  });

  it("refuses a preflight from an unlisted origin with 403 and no CORS headers", async () => {
    const ctx = preflight("https://evil.example");
    const res = await ctx.run(mw());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(ctx.sent).toHaveLength(0);
  });

  it("never reflects an unlisted origin, even when the upstream does", async () => {
    const ctx = reflecting();
    const res = await ctx.run(mw());
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("allows a listed origin and a subdomain of a *. entry, not the bare domain or a look-alike", async () => {
    for (const [origin, allowed] of [
      ["https://app.example.com", true],
      ["https://eu.partner.example", true],
      ["https://partner.example", false],
      ["https://evilpartner.example", false],
      ["http://app.example.com", false],
      ["https://app.example.com.evil.example", false],
    ] as const) {
      const ctx = fakeContext({ init: { headers: { Origin: origin } } });
      const res = await ctx.run(mw());
      expect(res.headers.get("Access-Control-Allow-Origin"), origin).toBe(allowed ? origin : null);
      if (allowed) expect(res.headers.get("Access-Control-Expose-Headers")).toBe("X-Total");
    }
    expect(originAllowed("HTTPS://APP.EXAMPLE.COM", ["https://app.example.com"])).toBe(true);
  });

  it("answers * for any origin without credentials, and lists only configured headers when given", async () => {
    const any = mw({ origins: ["*"], headers: ["Content-Type"] });
    const res = await preflight("https://anyone.example", { "Access-Control-Request-Headers": "x-evil" }).run(any);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("Content-Type");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("passes a request without Origin through untouched (no CORS headers)", async () => {
    const ctx = fakeContext();
    const res = await ctx.run(mw());
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(ctx.sent).toHaveLength(1);
  });

  it("refuses credentials with *, origins with paths, and lower-case methods", () => {
    expect(plugin.schema.safeParse({ origins: ["*"], credentials: true }).success).toBe(false);
    expect(plugin.schema.safeParse({ origins: ["https://a.example/path"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ origins: ["https://a.example"], methods: ["get"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ origins: [] }).success).toBe(false);
    expect(plugin.schema.safeParse({ origins: ["https://a.example"], maxAge: 86_401 }).success).toBe(false);
  });
});

describe("cors through the proxy (/gw/<slug>/…)", () => {
  it("answers the preflight at the gateway and never reflects an unlisted origin from the upstream", async () => {
    const ws = await gatewayWith([{ name: "cors", config: { origins: ["https://app.example.com"] } }]);
    const pre = await gw(ws.slug, "/v1/x", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    // the fake upstream is told to answer with a reflected ACAO: the gateway drops it
    const evil = await gw(ws.slug, "/v1/x", {
      headers: {
        Origin: "https://evil.example",
        "x-fake-headers": JSON.stringify({ "Access-Control-Allow-Origin": "https://evil.example" }),
      },
    });
    expect(evil.status).toBe(200);
    expect(evil.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const good = await gw(ws.slug, "/v1/x", { headers: { Origin: "https://app.example.com" } });
    expect(good.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
  });
});
