import { SELF } from "cloudflare:test";
import { describe, expect, it, test } from "vitest";
import { API, call, createLink, expectProblem, getLink, type Link, newIp, newUser, ORIGIN, rowsOf } from "./helpers";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /links/v1/links", () => {
  it("creates a link with a generated 7-character slug and answers 201 with Location and every field", async () => {
    const { token, id } = await newUser();
    const res = await call("POST", "/links", token, { url: "https://example.com/a?b=1" });
    expect(res.status).toBe(201);
    const link = (await res.json()) as Link;
    expect(link).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
      slug: expect.stringMatching(/^[A-Za-z0-9_-]{7}$/),
      shortUrl: `${ORIGIN}/${link.slug}`,
      url: "https://example.com/a?b=1",
      title: null,
      redirectType: 302,
      expiresAt: null,
      maxClicks: null,
      expiredUrl: null,
      passwordProtected: false,
      tags: [],
      rules: [],
      passQuery: false,
      disabled: false,
      clicks: 0,
      createdAt: expect.stringMatching(ISO),
      updatedAt: link.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/links/v1/links/${link.id}`);
    expect(res.headers.get("RateLimit-Limit")).toBe("120");
    expect(await getLink(token, link.id)).toEqual(link);
    expect(await rowsOf(id)).toHaveLength(1);
  });

  it("keeps every option", async () => {
    const { token } = await newUser();
    const expiresAt = "2031-01-02T03:04:05Z";
    const link = await createLink(token, {
      url: "https://example.com/x",
      slug: "All_Options-1",
      redirectType: 308,
      expiresAt,
      maxClicks: 50,
      expiredUrl: "https://example.com/over",
      password: "secret words",
      tags: ["Spring", "spring", "mail"],
      rules: [{ type: "language", value: "PT-br", url: "https://example.com/pt" }],
      passQuery: true,
      title: "  Spring sale  ",
    });
    expect(link).toMatchObject({
      slug: "All_Options-1",
      redirectType: 308,
      expiresAt: "2031-01-02T03:04:05.000Z",
      maxClicks: 50,
      expiredUrl: "https://example.com/over",
      passwordProtected: true,
      tags: ["spring", "mail"],
      rules: [{ type: "language", value: "pt-br", url: "https://example.com/pt" }],
      passQuery: true,
      title: "Spring sale",
    });
  });

  it("a taken custom slug is 409 and nothing changes", async () => {
    const { token, id } = await newUser();
    await createLink(token, { slug: "taken-slug" });
    const other = await newUser();
    const res = await call("POST", "/links", other.token, { url: "https://example.com/b", slug: "taken-slug" });
    await expectProblem(res, 409, "conflict", ["slug"]);
    expect(await rowsOf(other.id)).toHaveLength(0);
    expect(await rowsOf(id)).toHaveLength(1);
  });

  test.each(["auth", "Todo", "LINKS", "health", "_docs", "admin", "api", "gateway", "commerce", "projects", "static", "assets"])(
    "the reserved slug %s is refused (422)",
    async (slug) => {
      const { token } = await newUser();
      const res = await call("POST", "/links", token, { url: "https://example.com", slug });
      const body = await expectProblem(res, 422, "validation_failed", ["slug"]);
      expect(body.errors?.[0]?.message).toBe("This slug is reserved");
    },
  );

  test.each([
    ["a missing url", {}, "url"],
    ["a non-URL", { url: "not a url" }, "url"],
    ["a URL over 2048 characters", { url: `https://example.com/${"a".repeat(2040)}` }, "url"],
    ["a 2-character slug", { slug: "ab" }, "slug"],
    ["a 65-character slug", { slug: "a".repeat(65) }, "slug"],
    ["a slug with a slash", { slug: "a/b/c" }, "slug"],
    ["a slug with a dot", { slug: "a.b.c" }, "slug"],
    ["redirect type 303", { redirectType: 303 }, "redirectType"],
    ["redirect type as a string", { redirectType: "301" }, "redirectType"],
    ["expiresAt in the past", { expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt"],
    ["expiresAt without a zone", { expiresAt: "2031-01-01T00:00:00" }, "expiresAt"],
    ["maxClicks 0", { maxClicks: 0 }, "maxClicks"],
    ["maxClicks 1.5", { maxClicks: 1.5 }, "maxClicks"],
    ["maxClicks over 1e9", { maxClicks: 1_000_000_001 }, "maxClicks"],
    ["a 3-character password", { password: "abc" }, "password"],
    ["a 129-character password", { password: "p".repeat(129) }, "password"],
    ["21 tags", { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["an empty tag", { tags: [""] }, "tags.0"],
    ["a 51-character tag", { tags: ["t".repeat(51)] }, "tags.0"],
    ["a rule of an unknown type", { rules: [{ type: "weather", value: "rain", url: "https://example.com" }] }, "rules.0.type"],
    ["a device rule for a toaster", { rules: [{ type: "device", value: "toaster", url: "https://example.com" }] }, "rules.0.value"],
    ["a country rule with three letters", { rules: [{ type: "country", value: "POL", url: "https://example.com" }] }, "rules.0.value"],
    ["21 rules", { rules: Array.from({ length: 21 }, () => ({ type: "country", value: "PL", url: "https://example.com" })) }, "rules"],
    ["a 201-character title", { title: "t".repeat(201) }, "title"],
    ["a title with a control character", { title: "a\u0007b" }, "title"],
    ["an unknown field", { owner: "someone-else" }, ""],
    ["passQuery as a string", { passQuery: "yes" }, "passQuery"],
  ])("%s is a 422 naming the field, and nothing is created", async (_label, patch, path) => {
    const { token, id } = await newUser();
    const body = { url: "https://example.com", ...patch };
    if (_label === "a missing url") delete (body as Record<string, unknown>).url;
    await expectProblem(await call("POST", "/links", token, body), 422, "validation_failed", [path]);
    expect(await rowsOf(id)).toHaveLength(0);
  });
});

describe("the documented limits are exactly what is accepted", () => {
  test.each([
    [
      "a url of 2048 characters",
      { url: `https://example.com/${"a".repeat(2048 - 20)}` },
      { url: `https://example.com/${"a".repeat(2049 - 20)}` },
      "url",
    ],
    ["a slug of 64 characters", { slug: `x${"-".repeat(62)}y` }, { slug: "z".repeat(65) }, "slug"],
    ["a slug of 3 characters", { slug: "q_Z" }, { slug: "qZ" }, "slug"],
    ["a title of 200 characters", { title: "t".repeat(200) }, { title: "t".repeat(201) }, "title"],
    ["a title padded with spaces to 200", { title: ` ${"t".repeat(198)} ` }, { title: ` ${"t".repeat(199)} ` }, "title"],
    ["a password of 4..128 characters", { password: "p".repeat(128) }, { password: "p".repeat(129) }, "password"],
    ["a tag of 50 characters", { tags: ["g".repeat(50)] }, { tags: ["g".repeat(51)] }, "tags.0"],
    ["20 tags", { tags: Array.from({ length: 20 }, (_, i) => `t${i}`) }, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["maxClicks of 1e9", { maxClicks: 1_000_000_000 }, { maxClicks: 1_000_000_001 }, "maxClicks"],
    ["redirect type 308", { redirectType: 308 }, { redirectType: 300 }, "redirectType"],
  ])("%s", async (_label, ok, bad, path) => {
    const { token } = await newUser();
    expect((await call("POST", "/links", token, { url: "https://example.com/limits", ...ok })).status).toBe(201);
    await expectProblem(await call("POST", "/links", token, { url: "https://example.com/limits", ...bad }), 422, "validation_failed", [
      path,
    ]);
  });

  it("the redirect types are documented as an integer enum", async () => {
    const doc = (await (await SELF.fetch(`${ORIGIN}/links/openapi.json`)).json()) as {
      components: { schemas: { CreateLink: { properties: Record<string, Record<string, unknown>> } } };
    };
    expect(doc.components.schemas.CreateLink.properties.redirectType).toMatchObject({ type: "integer", enum: [301, 302, 307, 308] });
  });
});

describe("anonymous creation", () => {
  it("works without a token, has no owner, and is limited to 10 per hour per IP", async () => {
    const ip = newIp();
    const headers = { "CF-Connecting-IP": ip };
    const first = await call("POST", "/links", undefined, { url: "https://example.com/anon" }, headers);
    expect(first.status).toBe(201);
    const link = (await first.json()) as Link;
    expect(first.headers.get("RateLimit-Limit")).toBe("10");
    expect(first.headers.get("RateLimit-Remaining")).toBe("9");
    for (let i = 0; i < 9; i++)
      expect((await call("POST", "/links", undefined, { url: "https://example.com/anon" }, headers)).status).toBe(201);
    const limited = await call("POST", "/links", undefined, { url: "https://example.com/anon" }, headers);
    await expectProblem(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(60);
    // another address is not affected
    expect((await call("POST", "/links", undefined, { url: "https://example.com/anon" }, { "CF-Connecting-IP": newIp() })).status).toBe(
      201,
    );
    // nobody owns it: no user can read, change or delete it
    const { token } = await newUser();
    await expectProblem(await call("GET", `/links/${link.id}`, token), 404, "not_found");
    await expectProblem(await call("PATCH", `/links/${link.id}`, token, { disabled: true }), 404, "not_found");
    await expectProblem(await call("DELETE", `/links/${link.id}`, token), 404, "not_found");
    const res = await SELF.fetch(`${ORIGIN}/${link.slug}`, { redirect: "manual" });
    expect(res.status).toBe(302);
  });

  it("an Authorization header that does not verify is 401, never a silent anonymous create", async () => {
    const res = await call("POST", "/links", "not-a-token", { url: "https://example.com" }, { "CF-Connecting-IP": newIp() });
    await expectProblem(res, 401, "unauthorized");
  });

  it("a token without links:write cannot create (403)", async () => {
    const { token } = await newUser("links:read");
    await expectProblem(await call("POST", "/links", token, { url: "https://example.com" }), 403, "forbidden");
  });

  it("bulk creation needs an account", async () => {
    const res = await call("POST", "/links/bulk", undefined, { links: [{ url: "https://example.com" }] });
    await expectProblem(res, 401, "unauthorized");
  });
});

describe("GET /links/v1/links", () => {
  it("lists own links newest first with cursor pagination", async () => {
    const { token } = await newUser();
    const created: Link[] = [];
    for (let i = 0; i < 5; i++) created.push(await createLink(token, { url: `https://example.com/${i}` }));
    const page1 = (await (await call("GET", "/links?limit=2", token)).json()) as { items: Link[]; nextCursor: string };
    expect(page1.items.map((l) => l.url)).toEqual(["https://example.com/4", "https://example.com/3"]);
    const page2 = (await (await call("GET", `/links?limit=2&cursor=${page1.nextCursor}`, token)).json()) as {
      items: Link[];
      nextCursor: string;
    };
    expect(page2.items.map((l) => l.url)).toEqual(["https://example.com/2", "https://example.com/1"]);
    const page3 = (await (await call("GET", `/links?limit=2&cursor=${page2.nextCursor}`, token)).json()) as {
      items: Link[];
      nextCursor: string | null;
    };
    expect(page3.items.map((l) => l.url)).toEqual(["https://example.com/0"]);
    expect(page3.nextCursor).toBeNull();
  });

  it("filters by tag (any case) and searches url, slug and title; deleted links are gone", async () => {
    const { token } = await newUser();
    const a = await createLink(token, { url: "https://shop.example.com/", slug: "shop-winter", tags: ["Promo"], title: "Winter 100% off" });
    const b = await createLink(token, { url: "https://blog.example.com/", slug: "blog_post_x" });
    const c = await createLink(token, { url: "https://example.com/other", slug: "other-promo", tags: ["promo"] });
    const ids = async (q: string) => ((await (await call("GET", `/links?${q}`, token)).json()) as { items: Link[] }).items.map((l) => l.id);
    expect(await ids("tag=PROMO")).toEqual([c.id, a.id]);
    expect(await ids("q=shop")).toEqual([a.id]);
    expect(await ids("q=BLOG_POST")).toEqual([b.id]);
    expect(await ids("q=100%25")).toEqual([a.id]);
    expect(await ids("q=_")).toEqual([b.id]);
    await call("DELETE", `/links/${c.id}`, token);
    expect(await ids("tag=promo")).toEqual([a.id]);
  });

  test.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["cursor=garbage", "cursor"],
    [`q=${"x".repeat(201)}`, "q"],
  ])("%s is a 422", async (q, path) => {
    const { token } = await newUser();
    await expectProblem(await call("GET", `/links?${q}`, token), 422, "validation_failed", [path]);
  });
});

describe("PATCH and DELETE /links/v1/links/{id}", () => {
  it("changes only the given fields; null clears; {} is a no-op", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { title: "T", maxClicks: 5, expiredUrl: "https://example.com/e", tags: ["a"] });
    const res = await call("PATCH", `/links/${link.id}`, token, { title: null, maxClicks: null, expiredUrl: null, redirectType: 301 });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Link;
    expect(updated).toEqual({
      ...link,
      title: null,
      maxClicks: null,
      expiredUrl: null,
      redirectType: 301,
      updatedAt: expect.stringMatching(ISO),
    });
    const same = await call("PATCH", `/links/${link.id}`, token, {});
    expect(await same.json()).toEqual(updated);
  });

  it("the slug cannot be changed", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    await expectProblem(await call("PATCH", `/links/${link.id}`, token, { slug: "new-slug" }), 422, "validation_failed");
  });

  it("DELETE is 204, then 404 everywhere; the slug stays taken", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { slug: "deleted-slug-1" });
    expect((await call("DELETE", `/links/${link.id}`, token)).status).toBe(204);
    await expectProblem(await call("GET", `/links/${link.id}`, token), 404, "not_found");
    await expectProblem(await call("DELETE", `/links/${link.id}`, token), 404, "not_found");
    await expectProblem(await call("POST", "/links", token, { url: "https://example.com", slug: "deleted-slug-1" }), 409, "conflict", [
      "slug",
    ]);
  });
});

describe("POST /links/v1/links/bulk", () => {
  it("creates each valid link and reports each failure on its own", async () => {
    const { token, id } = await newUser();
    await createLink(token, { slug: "bulk-taken" });
    const res = await call("POST", "/links/bulk", token, {
      links: [
        { url: "https://example.com/1" },
        { url: "javascript:alert(1)" },
        { url: "https://example.com/3", slug: "bulk-taken" },
        { url: "https://example.com/4", slug: "bulk-new" },
        "not an object",
        { url: "http://localhost/" },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      created: number;
      failed: number;
      results: { index: number; ok: boolean; status: number; link?: Link; error?: { code: string; errors?: { path: string }[] } }[];
    };
    expect(body.created).toBe(2);
    expect(body.failed).toBe(4);
    expect(body.results.map((r) => [r.index, r.ok, r.status])).toEqual([
      [0, true, 201],
      [1, false, 422],
      [2, false, 409],
      [3, true, 201],
      [4, false, 422],
      [5, false, 422],
    ]);
    expect(body.results[1]?.error).toMatchObject({ code: "validation_failed", errors: [{ path: "url" }] });
    expect(body.results[3]?.link).toMatchObject({ slug: "bulk-new", url: "https://example.com/4" });
    expect(await rowsOf(id)).toHaveLength(3);
  });

  test.each([
    ["an empty list", { links: [] }],
    ["101 links", { links: Array.from({ length: 101 }, () => ({ url: "https://example.com" })) }],
    ["no list", {}],
  ])("%s is a 422", async (_label, body) => {
    const { token, id } = await newUser();
    await expectProblem(await call("POST", "/links/bulk", token, body), 422, "validation_failed", ["links"]);
    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("100 links in one call", async () => {
    const { token, id } = await newUser();
    const res = await call("POST", "/links/bulk", token, {
      links: Array.from({ length: 100 }, (_, i) => ({ url: `https://example.com/${i}` })),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { created: number }).created).toBe(100);
    expect(await rowsOf(id)).toHaveLength(100);
  });
});

describe("docs and health", () => {
  it("serves health, the OpenAPI document (with the redirect) and the reference page", async () => {
    expect(await (await SELF.fetch(`${ORIGIN}/links/health`)).json()).toEqual({ status: "ok" });
    const doc = (await (await SELF.fetch(`${ORIGIN}/links/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/{slug}",
        "/links/v1/links",
        "/links/v1/links/bulk",
        "/links/v1/links/{id}",
        "/links/v1/links/{id}/stats",
        "/links/v1/links/{id}/stats.svg",
        "/links/v1/links/{id}/qr",
      ]),
    );
    const page = await SELF.fetch(`${API.replace("/v1", "")}/docs`);
    expect(await page.text()).toContain("/links/openapi.json");
  });
});
