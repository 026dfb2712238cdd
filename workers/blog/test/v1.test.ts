import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { expectProblem as expectProblemWithCode } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { matchExpression } from "../src/v1/search";
import { createArticle, register, rw, uid, V1 } from "./helpers";

const CODES: Record<number, string> = {
  400: "malformed_json",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
};
const expectProblem = (res: Response, status: number) => expectProblemWithCode(res, status, CODES[status] ?? "");

type V1Article = {
  slug: string;
  status: string;
  publishAt: string | null;
  publishedAt: string | null;
  category: string | null;
  likesCount: number;
  liked: boolean;
};

function v1(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`${V1}${path}`, {
    method,
    headers: {
      ...(body === undefined || body instanceof Uint8Array ? {} : { "Content-Type": "application/json" }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: body instanceof Uint8Array || typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

async function v1Create(token: string, article: Record<string, unknown> = {}): Promise<V1Article> {
  const res = await v1("POST", "/articles", { title: `T ${uid()}`, description: "d", body: "b", ...article }, token);
  expect(res.status).toBe(201);
  return ((await res.json()) as { article: V1Article }).article;
}

describe("drafts", () => {
  it("creates a draft by default that only its author sees, and that lists, feeds and tags leave out", async () => {
    const author = await register("dr");
    const other = await register("dro");
    const draft = await v1Create(author.token, { tagList: [`secret${uid()}`] });
    expect(draft).toMatchObject({ status: "draft", publishedAt: null });
    expect((await v1("GET", `/articles/${draft.slug}`, undefined, author.token)).status).toBe(200);
    await expectProblem(await v1("GET", `/articles/${draft.slug}`, undefined, other.token), 404);
    expect((await rw("GET", `/articles/${draft.slug}`)).status).toBe(404);
    const list = (await (await rw("GET", `/articles?author=${author.username}`)).json()) as { articlesCount: number };
    expect(list.articlesCount).toBe(0);
    const mine = (await (await v1("GET", "/drafts", undefined, author.token)).json()) as { articles: { slug: string }[] };
    expect(mine.articles.map((a) => a.slug)).toEqual([draft.slug]);
    const theirs = (await (await v1("GET", "/drafts", undefined, other.token)).json()) as { articlesCount: number };
    expect(theirs.articlesCount).toBe(0);
  });

  it("publishes a draft (only the author: 403 for others) and queues a notification", async () => {
    const author = await register("pub");
    const other = await register("pubo");
    const draft = await v1Create(author.token);
    // someone else's draft does not exist for them
    await expectProblem(await v1("PATCH", `/articles/${draft.slug}`, { status: "published" }, other.token), 404);
    await expectProblem(await v1("DELETE", `/articles/${draft.slug}`, undefined, other.token), 404);
    const res = await v1("PATCH", `/articles/${draft.slug}`, { status: "published" }, author.token);
    expect(res.status).toBe(200);
    const published = ((await res.json()) as { article: V1Article }).article;
    expect(published.status).toBe("published");
    expect(published.publishedAt).not.toBeNull();
    expect((await rw("GET", `/articles/${draft.slug}`)).status).toBe(200);
    await expectProblem(await v1("DELETE", `/articles/${draft.slug}`, undefined, other.token), 403);
    await expectProblem(await v1("PATCH", `/articles/${draft.slug}`, { title: "hijack" }, other.token), 403);
    expect((await v1("DELETE", `/articles/${draft.slug}`, undefined, author.token)).status).toBe(204);
  });

  it.each([
    ["scheduled without publishAt", { status: "scheduled" }, "publishAt"],
    ["publishAt in the past", { status: "scheduled", publishAt: "2001-01-01T00:00:00Z" }, "publishAt"],
    ["publishAt on a draft", { publishAt: "2099-01-01T00:00:00Z" }, "publishAt"],
    ["an unknown status", { status: "live" }, "status"],
    ["an unknown category", { category: "nope-nope" }, "category"],
    ["an unknown field", { colour: "red" }, ""],
  ])("refuses %s with 422", async (_label, extra, path) => {
    const author = await register("bad");
    const res = await v1("POST", "/articles", { title: "t", description: "d", body: "b", ...extra }, author.token);
    const problem = await expectProblem(res, 422);
    expect((problem as unknown as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
  });

  it("answers 401 problems without or with a bad token, and 400 for malformed JSON", async () => {
    await expectProblem(await v1("POST", "/articles", { title: "t" }), 401);
    await expectProblem(await v1("GET", "/drafts", undefined, "not-a-token"), 401);
    const author = await register("mal");
    await expectProblem(await v1("POST", "/articles", '{"title": ', author.token), 400);
  });
});

describe("scheduled publishing", () => {
  it("publishes at the given time through the article's Durable Object alarm, then notifies followers", async () => {
    const author = await register("sch");
    const follower = await register("schf");
    expect((await rw("POST", `/profiles/${author.username}/follow`, undefined, follower.token)).status).toBe(200);
    const at = new Date(Date.now() + 60 * 60_000).toISOString();
    const scheduled = await v1Create(author.token, { status: "scheduled", publishAt: at });
    expect(scheduled).toMatchObject({ status: "scheduled", publishAt: new Date(at).toISOString() });
    expect((await rw("GET", `/articles/${scheduled.slug}`)).status).toBe(404);

    const row = await env.DB.prepare("SELECT id FROM articles WHERE slug = ?1").bind(scheduled.slug).first<{ id: number }>();
    if (!row) throw new Error("no row");
    // the alarm firing early (clock skew, a moved schedule) publishes nothing
    const stub = env.PUBLISHER.get(env.PUBLISHER.idFromName(String(row.id)));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await rw("GET", `/articles/${scheduled.slug}`)).status).toBe(404);

    // when the time has come (the row says so; the alarm is run by hand rather than waited for)
    await env.DB.prepare("UPDATE articles SET publish_at = ?2 WHERE id = ?1")
      .bind(row.id, Date.now() - 1)
      .run();
    await stub.schedule(row.id, Date.now() + 60_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const res = await v1("GET", `/articles/${scheduled.slug}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { article: V1Article }).article.status).toBe("published");

    // the queue consumer writes one email per follower, once, however often the message comes
    const batch = createMessageBatch("edgeworks-blog-notifications", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { articleId: row.id } },
      { id: "m2", timestamp: new Date(), attempts: 2, body: { articleId: row.id } },
      { id: "m3", timestamp: new Date(), attempts: 1, body: { nonsense: true } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2", "m3"]);
    const outbox = (await (await v1("GET", "/dev/outbox?limit=200")).json()) as {
      items: { articleId: number; toEmail: string; subject: string }[];
    };
    const mails = outbox.items.filter((m) => m.articleId === row.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.toEmail).toBe(follower.email);
    expect(mails[0]?.subject).toContain(author.username);
  });

  it("moves back to draft and cancels the schedule", async () => {
    const author = await register("unsch");
    const scheduled = await v1Create(author.token, { status: "scheduled", publishAt: "2099-01-01T00:00:00Z" });
    const res = await v1("PATCH", `/articles/${scheduled.slug}`, { status: "draft" }, author.token);
    expect(((await res.json()) as { article: V1Article }).article).toMatchObject({ status: "draft", publishAt: null });
  });
});

describe("categories", () => {
  it("creates (409 on duplicates), lists with counts, filters articles and is deleted only by its creator", async () => {
    const author = await register("cat");
    const other = await register("cato");
    const name = `Edge Computing ${uid()}`;
    const res = await v1("POST", "/categories", { name }, author.token);
    expect(res.status).toBe(201);
    const { category } = (await res.json()) as { category: { slug: string; name: string; articlesCount: number } };
    expect(category).toEqual({ slug: expect.stringMatching(/^edge-computing-/), name, articlesCount: 0 });
    await expectProblem(await v1("POST", "/categories", { name: name.toUpperCase() }, author.token), 409);
    await expectProblem(await v1("POST", "/categories", { name: "!!!" }, author.token), 422);
    const a = await v1Create(author.token, { status: "published", category: category.slug });
    expect(a.category).toBe(category.slug);
    const page = (await (await v1("GET", `/categories/${category.slug}/articles`)).json()) as { articles: { slug: string }[] };
    expect(page.articles.map((x) => x.slug)).toEqual([a.slug]);
    const all = (await (await v1("GET", "/categories")).json()) as { categories: { slug: string; articlesCount: number }[] };
    expect(all.categories.find((c) => c.slug === category.slug)?.articlesCount).toBe(1);
    await expectProblem(await v1("DELETE", `/categories/${category.slug}`, undefined, other.token), 403);
    expect((await v1("DELETE", `/categories/${category.slug}`, undefined, author.token)).status).toBe(204);
    await expectProblem(await v1("GET", `/categories/${category.slug}/articles`), 404);
    const after = (await (await v1("GET", `/articles/${a.slug}`)).json()) as { article: V1Article };
    expect(after.article.category).toBeNull();
  });
});

describe("search", () => {
  it("finds published articles by words and prefixes, never drafts", async () => {
    const author = await register("srch");
    const word = `quux${uid()}`;
    const hit = await createArticle(author.token, { title: `About ${word}`, body: "plain body" });
    await v1Create(author.token, { title: `Draft ${word}` });
    const res = await v1("GET", `/search?q=${encodeURIComponent(word.slice(0, 8))}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { articles: { slug: string }[]; articlesCount: number };
    expect(page.articles.map((a) => a.slug)).toEqual([hit.slug]);
    expect(page.articlesCount).toBe(1);
  });

  it.each(['"unterminated', "NEAR(a b", "a AND OR NOT", "title:*", "(((x", "😀 zebra*", "-x"])(
    "treats %s as plain words, never a 500",
    async (q) => {
      const res = await v1("GET", `/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    },
  );

  it("refuses an empty or wordless query with 422", async () => {
    await expectProblem(await v1("GET", "/search?q="), 422);
    await expectProblem(await v1("GET", "/search?q=%22%22%22"), 422);
    await expectProblem(await v1("GET", "/search"), 422);
  });

  it("quotes every word of the MATCH expression", () => {
    expect(matchExpression('hello "world" OR x*')).toBe('"hello" "world" "OR" "x"*');
    expect(matchExpression("!!!")).toBeNull();
  });
});

describe("likes", () => {
  it("likes and unlikes idempotently with counts; 404 for drafts of others", async () => {
    const author = await register("lk");
    const fan = await register("lkf");
    const a = await createArticle(author.token);
    for (let i = 0; i < 2; i++) {
      const res = await v1("POST", `/articles/${a.slug}/likes`, undefined, fan.token);
      expect(await res.json()).toEqual({ slug: a.slug, likesCount: 1, liked: true });
    }
    expect(await (await v1("GET", `/articles/${a.slug}/likes`)).json()).toEqual({ slug: a.slug, likesCount: 1, liked: false });
    expect(await (await v1("DELETE", `/articles/${a.slug}/likes`, undefined, fan.token)).json()).toEqual({
      slug: a.slug,
      likesCount: 0,
      liked: false,
    });
    await expectProblem(await v1("POST", `/articles/${a.slug}/likes`), 401);
    const draft = await v1Create(author.token);
    await expectProblem(await v1("POST", `/articles/${draft.slug}/likes`, undefined, fan.token), 404);
  });
});

describe("feeds", () => {
  it("serves RSS and Atom with escaped content and absolute URLs, per author and for the blog", async () => {
    const author = await register("feed");
    await createArticle(author.token, { title: `Tom & Jerry <script>alert(1)</script> ${uid()}`, tagList: ['a"b'] });
    const rss = await v1("GET", `/authors/${author.username}/feed.rss`);
    expect(rss.status).toBe(200);
    expect(rss.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await rss.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    expect(xml).toContain("Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(xml).not.toContain("<script>");
    expect(xml).toContain("<category>a&quot;b</category>");
    expect(xml).toContain("<link>https://blog.test/blog/api/articles/");
    const atom = await v1("GET", `/authors/${author.username}/feed.atom`);
    expect(atom.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    const atomXml = await atom.text();
    expect(atomXml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atomXml).toContain(`<name>${author.username}</name>`);
    expect((await v1("GET", "/feed.rss")).status).toBe(200);
    expect((await v1("GET", "/feed.atom")).status).toBe(200);
    await expectProblem(await v1("GET", `/authors/nobody${uid()}/feed.rss`), 404);
  });
});

describe("avatars", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

  it("stores a PNG, sets the profile image and serves it with ETag, immutable caching and 304", async () => {
    const user = await register("av");
    const res = await v1("PUT", "/user/avatar", png, user.token, { "Content-Type": "image/png" });
    expect(res.status).toBe(201);
    const { image, size } = (await res.json()) as { image: string; size: number };
    expect(size).toBe(png.byteLength);
    expect(image).toMatch(/^https:\/\/blog\.test\/blog\/v1\/avatars\/[a-f0-9]{32}$/);
    const me = (await (await rw("GET", "/user", undefined, user.token)).json()) as { user: { image: string } };
    expect(me.user.image).toBe(image);
    const got = await SELF.fetch(image);
    expect(got.status).toBe(200);
    expect(got.headers.get("Content-Type")).toBe("image/png");
    expect(got.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
    const etag = got.headers.get("ETag") ?? "";
    expect((await SELF.fetch(image, { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("refuses a wrong type, bytes that are not the declared image, an empty or too large body, and no token", async () => {
    const user = await register("avb");
    await expectProblem(await v1("PUT", "/user/avatar", png, user.token, { "Content-Type": "image/svg+xml" }), 415);
    await expectProblem(
      await v1("PUT", "/user/avatar", new TextEncoder().encode("<svg/>"), user.token, { "Content-Type": "image/png" }),
      415,
    );
    await expectProblem(await v1("PUT", "/user/avatar", new Uint8Array(0), user.token, { "Content-Type": "image/png" }), 422);
    const big = new Uint8Array(2 * 1024 * 1024 + 10);
    big.set(png);
    await expectProblem(await v1("PUT", "/user/avatar", big, user.token, { "Content-Type": "image/png" }), 413);
    await expectProblem(await v1("PUT", "/user/avatar", png, undefined, { "Content-Type": "image/png" }), 401);
    await expectProblem(await v1("GET", `/avatars/${"0".repeat(32)}`), 404);
    await expectProblem(await v1("GET", "/avatars/..%2F..%2Fsecret"), 422);
  });
});

describe("dev outbox", () => {
  it("is served only when DEV_MODE is true (tests run with it on)", async () => {
    expect((await v1("GET", "/dev/outbox")).status).toBe(200);
  });
});
