import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

let dev: DevServer;
beforeAll(async () => {
  dev = await startDev();
});
afterAll(async () => {
  await dev?.stop();
});

const BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const call = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  return fetch(`${dev.url}${path}`, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
};

describe("URL shortener under pnpm dev, through the front door", () => {
  it("creates a link, follows it with a real HTTP client and sees the click in stats", async () => {
    const reg = await call("/auth/v1/register", {
      method: "POST",
      json: { email: `links-e2e-${Date.now()}@example.com`, password: "correct horse battery staple" },
    });
    expect(reg.status).toBe(201);
    const { accessToken } = (await reg.json()) as { accessToken: string };

    const created = await call("/links/v1/links", {
      method: "POST",
      token: accessToken,
      json: { url: "https://example.com/e2e?from=dev", passQuery: true, tags: ["e2e"] },
    });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; slug: string; shortUrl: string };
    expect(link.shortUrl).toBe(`${dev.url}/${link.slug}`);

    const res = await fetch(`${dev.url}/${link.slug}?utm_source=e2e`, {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_UA, Referer: "https://news.example.com/post" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://example.com/e2e?from=dev&utm_source=e2e");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store, max-age=0");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();

    // the click travels redirect → Queue → consumer → D1; it must show up within seconds
    const deadline = Date.now() + 15_000;
    let stats: { clicks: number; humans: number; referrers: { value: string }[] } | undefined;
    while (Date.now() < deadline) {
      const s = await call(`/links/v1/links/${link.id}/stats?interval=hour`, { token: accessToken });
      expect(s.status).toBe(200);
      stats = (await s.json()) as typeof stats;
      if (stats && stats.clicks >= 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(stats).toMatchObject({ clicks: 1, humans: 1 });
    expect(stats?.referrers.map((r) => r.value)).toEqual(["news.example.com"]);

    // a disabled link stops redirecting at once
    const patched = await call(`/links/v1/links/${link.id}`, { method: "PATCH", token: accessToken, json: { disabled: true } });
    expect(patched.status).toBe(200);
    const after = await fetch(`${dev.url}/${link.slug}`, { redirect: "manual", headers: { Accept: "application/json" } });
    expect(after.status).toBe(404);
    expect(after.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("serves the OpenAPI document and docs page through the front door; product prefixes are never slugs", async () => {
    const doc = await call("/links/openapi.json");
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
    expect(await (await call("/links/docs")).text()).toContain("/_docs/swagger-ui-bundle.js");
    const unknown = await fetch(`${dev.url}/noSuchSlug42`, { redirect: "manual", headers: { Accept: "text/html" } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const reserved = await call("/links/v1/links", { method: "POST", json: { url: "https://example.com", slug: "todo" } });
    expect(reserved.status).toBe(422);
  });
});
