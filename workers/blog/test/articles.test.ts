import { SELF } from "cloudflare:test";
import { expectProblem, mintToken } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { type ArticleJson, createArticle, expectErrors, register, rw, uid, V1 } from "./helpers";

type Page = { articles: ArticleJson[]; articlesCount: number };
const list = async (query: string, token?: string) => {
  const res = await rw("GET", `/articles${query}`, undefined, token);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe("articles", () => {
  it("creates an article with a unique slug, sorted de-duplicated tags and the author's profile", async () => {
    const author = await register("art");
    const a = await createArticle(author.token, { title: "Hello, Wörld!", tagList: ["zeta", "alpha", "zeta"] });
    expect(a).toMatchObject({
      title: "Hello, Wörld!",
      description: "desc",
      body: "body",
      tagList: ["alpha", "zeta"],
      favorited: false,
      favoritesCount: 0,
      author: { username: author.username, bio: null, image: null, following: false },
    });
    expect(a.slug).toMatch(/^hello-world-[a-z0-9]{8}$/);
    const b = await createArticle(author.token, { title: "Hello, Wörld!" });
    expect(b.slug).not.toBe(a.slug);
  });

  it.each([
    ["blank title", { title: " ", description: "d", body: "b" }, { title: ["can't be blank"] }],
    ["missing description", { title: "t", body: "b" }, { description: ["can't be blank"] }],
    ["blank body", { title: "t", description: "d", body: "" }, { body: ["can't be blank"] }],
    ["tagList null", { title: "t", description: "d", body: "b", tagList: null }, { tagList: ["must be an array of strings"] }],
    ["tagList of numbers", { title: "t", description: "d", body: "b", tagList: [1] }, { tagList: ["must be a string"] }],
    ["too long title", { title: "x".repeat(201), description: "d", body: "b" }, { title: ["is too long (maximum is 200 characters)"] }],
    ["lone surrogate", { title: "bad \ud800", description: "d", body: "b" }, { title: ["is invalid"] }],
  ])("refuses %s with 422 and creates nothing", async (_label, article, errors) => {
    const author = await register("bad");
    await expectErrors(await rw("POST", "/articles", { article }, author.token), 422, errors);
    expect((await list(`?author=${author.username}`)).articlesCount).toBe(0);
  });

  it("needs a token to create, update, delete and favorite", async () => {
    await expectErrors(await rw("POST", "/articles", { article: { title: "t", description: "d", body: "b" } }), 401, {
      token: ["is missing"],
    });
    await expectErrors(await rw("PUT", "/articles/x", { article: { body: "b" } }), 401, { token: ["is missing"] });
    await expectErrors(await rw("DELETE", "/articles/x"), 401, { token: ["is missing"] });
    await expectErrors(await rw("POST", "/articles/x/favorite"), 401, { token: ["is missing"] });
    await expectErrors(await rw("GET", "/articles/feed"), 401, { token: ["is missing"] });
  });

  it("lists most recent first without body, with filters, limit and offset", async () => {
    const author = await register("list");
    const tag = `tag${uid()}`;
    const first = await createArticle(author.token, { tagList: [tag] });
    const second = await createArticle(author.token, { tagList: [tag] });
    const page = await list(`?author=${author.username}`);
    expect(page.articlesCount).toBe(2);
    expect(page.articles.map((a) => a.slug)).toEqual([second.slug, first.slug]);
    expect(page.articles[0]).not.toHaveProperty("body");
    expect((await list(`?tag=${tag}&limit=1&offset=1`)).articles.map((a) => a.slug)).toEqual([first.slug]);
    expect((await list(`?tag=nothing${uid()}`)).articlesCount).toBe(0);
    expect((await list(`?author=${author.username.toUpperCase()}`)).articlesCount).toBe(2);
  });

  it.each(["limit=0", "limit=101", "limit=abc", "offset=-1", "offset=1.5"])("refuses ?%s with 422", async (q) => {
    const res = await rw("GET", `/articles?${q}`);
    expect(res.status).toBe(422);
    expect(Object.keys(((await res.json()) as { errors: object }).errors)).toEqual([q.split("=")[0]]);
  });

  it("updates only the author's article: 403 for others, 404 for unknown; a new title gives a new slug", async () => {
    const author = await register("own");
    const other = await register("other");
    const a = await createArticle(author.token, { tagList: ["keep"] });
    await expectErrors(await rw("PUT", `/articles/${a.slug}`, { article: { body: "hijack" } }, other.token), 403, {
      article: ["forbidden"],
    });
    await expectErrors(await rw("DELETE", `/articles/${a.slug}`, undefined, other.token), 403, { article: ["forbidden"] });
    await expectErrors(await rw("PUT", `/articles/nope-${uid()}`, { article: { body: "x" } }, author.token), 404, {
      article: ["not found"],
    });
    const res = await rw("PUT", `/articles/${a.slug}`, { article: { title: "Renamed piece" } }, author.token);
    expect(res.status).toBe(200);
    const updated = ((await res.json()) as { article: ArticleJson }).article;
    expect(updated.slug).toMatch(/^renamed-piece-/);
    expect(updated.tagList).toEqual(["keep"]);
    expect(updated.body).toBe("body");
    expect(updated.createdAt).toBe(a.createdAt);
    expect(updated.updatedAt > a.updatedAt).toBe(true);
    expect((await rw("GET", `/articles/${a.slug}`)).status).toBe(404);
    expect((await rw("GET", `/articles/${updated.slug}`)).status).toBe(200);
  });

  it("deletes the article with its comments", async () => {
    const author = await register("del");
    const a = await createArticle(author.token);
    expect((await rw("POST", `/articles/${a.slug}/comments`, { comment: { body: "c" } }, author.token)).status).toBe(201);
    expect((await rw("DELETE", `/articles/${a.slug}`, undefined, author.token)).status).toBe(204);
    await expectErrors(await rw("GET", `/articles/${a.slug}`), 404, { article: ["not found"] });
    await expectErrors(await rw("GET", `/articles/${a.slug}/comments`), 404, { article: ["not found"] });
  });

  it("favorites and unfavorites idempotently, with counts, flags and the favorited filter", async () => {
    const author = await register("fav");
    const fan = await register("fan");
    const a = await createArticle(author.token);
    for (let i = 0; i < 2; i++) {
      const res = await rw("POST", `/articles/${a.slug}/favorite`, undefined, fan.token);
      expect(((await res.json()) as { article: ArticleJson }).article).toMatchObject({ favorited: true, favoritesCount: 1 });
    }
    expect((await list(`?favorited=${fan.username}`, fan.token)).articles.map((x) => x.slug)).toEqual([a.slug]);
    const anon = ((await (await rw("GET", `/articles/${a.slug}`)).json()) as { article: ArticleJson }).article;
    expect(anon).toMatchObject({ favorited: false, favoritesCount: 1 });
    const res = await rw("DELETE", `/articles/${a.slug}/favorite`, undefined, fan.token);
    expect(((await res.json()) as { article: ArticleJson }).article).toMatchObject({ favorited: false, favoritesCount: 0 });
    await expectErrors(await rw("POST", `/articles/nope-${uid()}/favorite`, undefined, fan.token), 404, { article: ["not found"] });
  });

  it("feeds articles of followed authors only, with following set", async () => {
    const reader = await register("reader");
    const star = await register("star");
    const stranger = await register("stranger");
    const empty = (await (await rw("GET", "/articles/feed", undefined, reader.token)).json()) as Page;
    expect(empty).toEqual({ articles: [], articlesCount: 0 });
    expect((await rw("POST", `/profiles/${star.username}/follow`, undefined, reader.token)).status).toBe(200);
    const mine = await createArticle(star.token);
    await createArticle(stranger.token);
    const res = await rw("GET", "/articles/feed", undefined, reader.token);
    const feed = (await res.json()) as Page;
    expect(feed.articlesCount).toBe(1);
    expect(feed.articles[0]).toMatchObject({ slug: mine.slug, author: { username: star.username, following: true } });
  });

  it("lists tags of published articles, sorted", async () => {
    const author = await register("tags");
    const t = uid();
    await createArticle(author.token, { tagList: [`b${t}`, `a${t}`] });
    const res = await rw("GET", "/tags");
    const { tags } = (await res.json()) as { tags: string[] };
    expect(tags).toEqual([...tags].sort());
    expect(tags).toEqual(expect.arrayContaining([`a${t}`, `b${t}`]));
  });

  it("lets an account that never used the blog write right away (its profile is made on first write)", async () => {
    const token = await mintToken({ sub: `newcomer${uid()}` });
    const res = await rw("POST", "/articles", { article: { title: "First post", description: "d", body: "b" } }, token);
    expect(res.status).toBe(201);
    const { article } = (await res.json()) as { article: ArticleJson };
    expect(article.author.username).toMatch(/^newcomer/);
  });

  it("answers 503 in each API's shape when a first write needs accounts and it is down, and writes nothing", async () => {
    const token = await mintToken({ sub: `accounts-down${uid()}` });
    const res = await rw("POST", "/articles", { article: { title: "Never stored", description: "d", body: "b" } }, token);
    await expectErrors(res, 503, { accounts: ["is unavailable, retry later"] });
    const v1 = await SELF.fetch(`${V1}/categories`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: `Never ${uid()}` }),
    });
    await expectProblem(v1, 503, "service_unavailable");
    const { articles } = (await (await rw("GET", "/articles?limit=100")).json()) as { articles: ArticleJson[] };
    expect(articles.map((a) => a.title)).not.toContain("Never stored");
  });

  it("answers 404 in RealWorld's shape for unknown routes under /api", async () => {
    await expectErrors(await rw("GET", "/nothing-here"), 404, { route: ["not found"] });
  });
});
