import { env } from "cloudflare:test";
import { describe, expect, it, test } from "vitest";
import { ANDROID_UA, CHROME_UA, call, createLink, eventually, expectProblem, IPHONE_UA, newUser, ORIGIN, sleep, visit } from "./helpers";

const NO_STORE = "private, no-store, max-age=0";

describe("GET /{slug}: redirect types", () => {
  test.each([
    [301, "public, max-age=3600"],
    [302, NO_STORE],
    [307, NO_STORE],
    [308, "public, max-age=3600"],
  ])("a %s link answers with its status, the exact Location and Cache-Control: %s", async (type, cacheControl) => {
    const { token } = await newUser();
    const url = `https://example.com/path/${type}?a=1&b=two#frag`;
    const link = await createLink(token, { url, redirectType: type });
    const res = await visit(link.slug);
    expect(res.status).toBe(type);
    expect(res.headers.get("Location")).toBe(url);
    expect(res.headers.get("Cache-Control")).toBe(cacheControl);
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(await res.text()).toBe("");
  });

  it("302 is the default", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com" });
    expect(link.redirectType).toBe(302);
    const res = await visit(link.slug);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://example.com");
  });

  it("HEAD answers like GET, without a body", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/head", redirectType: 307 });
    const res = await visit(link.slug, { method: "HEAD" });
    expect(res.status).toBe(307);
    expect(res.headers.get("Location")).toBe("https://example.com/head");
    expect(res.headers.get("Cache-Control")).toBe(NO_STORE);
    expect(await res.text()).toBe("");
    const missing = await visit("NoSuchSlug123", { method: "HEAD", headers: { Accept: "application/json" } });
    expect(missing.status).toBe(404);
  });

  it("a permanent redirect is never cached past the link's expiry, and privately when rules decide", async () => {
    const { token } = await newUser();
    const soon = new Date(Date.now() + 120_000).toISOString();
    const expiring = await createLink(token, { redirectType: 301, expiresAt: soon });
    const cc = (await visit(expiring.slug)).headers.get("Cache-Control") ?? "";
    expect(cc).toMatch(/^public, max-age=1[01]\d$/);
    const ruled = await createLink(token, {
      redirectType: 308,
      rules: [{ type: "device", value: "ios", url: "https://apps.apple.com/x" }],
    });
    expect((await visit(ruled.slug)).headers.get("Cache-Control")).toBe("private, max-age=3600");
    const capped = await createLink(token, { redirectType: 301, maxClicks: 5 });
    expect((await visit(capped.slug)).headers.get("Cache-Control")).toBe(NO_STORE);
  });
});

describe("GET /{slug}: unknown slugs", () => {
  it("is a problem+json 404 for API clients", async () => {
    const res = await visit("doesNotExist1", { headers: { Accept: "application/json" } });
    const body = await expectProblem(res, 404, "not_found");
    expect(body.detail).toBe("No link has this slug");
    expect(res.headers.get("Cache-Control")).toBe(NO_STORE);
  });

  it("is a small HTML page for browsers, with the request id and nothing executable", async () => {
    const res = await visit("doesNotExist2", { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("<h1>Not found</h1>");
    expect(html).toContain(res.headers.get("X-Request-Id"));
    expect(html).not.toContain("<script");
  });

  it("curl-style */* gets problem+json", async () => {
    const res = await visit("doesNotExist3", { headers: { Accept: "*/*" } });
    await expectProblem(res, 404, "not_found");
  });

  test.each(["links", "auth", "todo", "health", "docs", "api", "Admin"])("the reserved path /%s is never a redirect", async (word) => {
    const res = await visit(word, { headers: { Accept: "application/json" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^No route for GET/);
  });

  it("other methods on a slug are not routes", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const res = await visit(link.slug, { method: "PUT", headers: { Accept: "application/json" } });
    await expectProblem(res, 404, "not_found");
  });
});

describe("GET /{slug}: the guard ladder", () => {
  it("disabled → 404, even for a cached link, at once after the PATCH; re-enabled → redirects again", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    expect((await visit(link.slug)).status).toBe(302); // written back to KV in waitUntil
    await eventually(() => env.LINK_CACHE.get(`link:v1:${link.slug}`));
    expect((await call("PATCH", `/links/${link.id}`, token, { disabled: true })).status).toBe(200);
    const res = await visit(link.slug, { headers: { Accept: "application/json" } });
    const body = await expectProblem(res, 404, "not_found");
    expect(body.detail).toBe("This link is disabled");
    expect((await call("PATCH", `/links/${link.id}`, token, { disabled: false })).status).toBe(200);
    expect((await visit(link.slug)).status).toBe(302);
  });

  it("a changed target is followed at once", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/old" });
    expect((await visit(link.slug)).headers.get("Location")).toBe("https://example.com/old");
    await call("PATCH", `/links/${link.id}`, token, { url: "https://example.com/new" });
    expect((await visit(link.slug)).headers.get("Location")).toBe("https://example.com/new");
  });

  it("deleted → 404 at once", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    expect((await visit(link.slug)).status).toBe(302);
    expect((await call("DELETE", `/links/${link.id}`, token)).status).toBe(204);
    await expectProblem(await visit(link.slug, { headers: { Accept: "application/json" } }), 404, "not_found");
  });

  it("expired → 410; with a fallback URL → 302 there, never cached (the cached copy expires too)", async () => {
    const { token } = await newUser();
    const expiresAt = new Date(Date.now() + 1200).toISOString();
    const plain = await createLink(token, { expiresAt });
    const withFallback = await createLink(token, { expiresAt, expiredUrl: "https://example.com/expired" });
    expect((await visit(plain.slug)).status).toBe(302);
    expect((await visit(withFallback.slug)).status).toBe(302);
    await sleep(Date.parse(expiresAt) - Date.now() + 50);
    const gone = await visit(plain.slug, { headers: { Accept: "application/json" } });
    expect((await expectProblem(gone, 410, "gone")).detail).toBe("This link has expired");
    const html = await visit(plain.slug, { headers: { Accept: "text/html" } });
    expect(html.status).toBe(410);
    expect(await html.text()).toContain("This link has expired");
    const fallback = await visit(withFallback.slug);
    expect(fallback.status).toBe(302);
    expect(fallback.headers.get("Location")).toBe("https://example.com/expired");
    expect(fallback.headers.get("Cache-Control")).toBe(NO_STORE);
  });

  it("max clicks reached → 410 (then answered from the cache without the counter); raising the cap reopens it", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { maxClicks: 2 });
    expect((await visit(link.slug)).status).toBe(302);
    expect((await visit(link.slug)).status).toBe(302);
    const third = await visit(link.slug, { headers: { Accept: "application/json" } });
    expect((await expectProblem(third, 410, "gone")).detail).toBe("This link has reached its click limit");
    await eventually(
      async () => (JSON.parse((await env.LINK_CACHE.get(`link:v1:${link.slug}`)) ?? "{}") as { exhausted?: boolean }).exhausted,
    );
    await call("PATCH", `/links/${link.id}`, token, { maxClicks: 3 });
    expect((await visit(link.slug)).status).toBe(302);
    expect((await visit(link.slug)).status).toBe(410);
  });

  it("max clicks reached with a fallback URL → 302 to it", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { maxClicks: 1, expiredUrl: "https://example.com/sold-out" });
    expect((await visit(link.slug)).headers.get("Location")).toBe("https://example.com/landing");
    const after = await visit(link.slug);
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toBe("https://example.com/sold-out");
  });
});

describe("GET /{slug}: rules and query pass-through", () => {
  const rules = [
    { type: "device", value: "ios", url: "https://apps.apple.com/app/x" },
    { type: "device", value: "android", url: "https://play.google.com/store/apps/x" },
    { type: "country", value: "pl", url: "https://example.pl/" },
    { type: "language", value: "de", url: "https://example.de/" },
  ];

  test.each([
    ["an iPhone", { "User-Agent": IPHONE_UA }, {}, "https://apps.apple.com/app/x"],
    ["an Android phone", { "User-Agent": ANDROID_UA }, {}, "https://play.google.com/store/apps/x"],
    ["a desktop in Poland", { "User-Agent": CHROME_UA }, { country: "PL" }, "https://example.pl/"],
    ["a German speaker", { "User-Agent": CHROME_UA, "Accept-Language": "de-CH, en;q=0.8" }, {}, "https://example.de/"],
    ["an English speaker who also reads German", { "Accept-Language": "en-US,en;q=0.9,de;q=0.8" }, {}, "https://example.com/default"],
    ["a desktop elsewhere", { "User-Agent": CHROME_UA }, { country: "FR" }, "https://example.com/default"],
    ["an iPhone in Poland (the first matching rule wins)", { "User-Agent": IPHONE_UA }, { country: "PL" }, "https://apps.apple.com/app/x"],
  ])("%s goes to its target", async (_label, headers, cf, expected) => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/default", rules });
    expect(link.rules[2]).toEqual({ type: "country", value: "PL", url: "https://example.pl/" });
    const res = await visit(link.slug, { headers, cf });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(expected);
  });

  it("a desktop rule matches desktops only", async () => {
    const { token } = await newUser();
    const link = await createLink(token, {
      url: "https://example.com/m",
      rules: [{ type: "device", value: "desktop", url: "https://example.com/d" }],
    });
    expect((await visit(link.slug, { headers: { "User-Agent": CHROME_UA } })).headers.get("Location")).toBe("https://example.com/d");
    expect((await visit(link.slug, { headers: { "User-Agent": IPHONE_UA } })).headers.get("Location")).toBe("https://example.com/m");
  });

  it("passQuery appends the short URL's query (UTM) to the target, replacing same-named parameters", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/p?ref=x&keep=1", passQuery: true });
    const res = await visit(link.slug, {}, "?utm_source=news&ref=y");
    expect(res.headers.get("Location")).toBe("https://example.com/p?keep=1&utm_source=news&ref=y");
    expect((await visit(link.slug)).headers.get("Location")).toBe("https://example.com/p?ref=x&keep=1");
  });

  it("without passQuery the query is dropped", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/p" });
    expect((await visit(link.slug, {}, "?utm_source=news")).headers.get("Location")).toBe("https://example.com/p");
  });

  it("a new link redirects at once, and its short URL is this origin", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { slug: "fresh-link-now" });
    expect(link.shortUrl).toBe(`${ORIGIN}/fresh-link-now`);
    expect((await visit("fresh-link-now")).status).toBe(302);
  });

  it("slugs are case-sensitive", async () => {
    const { token } = await newUser();
    await createLink(token, { slug: "CaseMatters" });
    expect((await visit("CaseMatters")).status).toBe(302);
    expect((await visit("casematters")).status).toBe(404);
  });
});
