import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ArticleJson, createArticle, register, rw, uid, V1 } from "./helpers";

describe("concurrency and consistency", () => {
  it("registers a username once when two sign-ups race for it", async () => {
    const name = `race_${uid()}`;
    const results = await Promise.all(
      [1, 2, 3].map((i) => rw("POST", "/users", { user: { username: name, email: `${name}_${i}@example.com`, password: "password123" } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
  });

  it("counts concurrent favorites exactly, and the same user twice once", async () => {
    const author = await register("cfa");
    const fans = await Promise.all([1, 2, 3, 4].map(() => register("cff")));
    const a = await createArticle(author.token);
    const first = fans[0];
    if (!first) throw new Error("no fans");
    await Promise.all([...fans, first].map((f) => rw("POST", `/articles/${a.slug}/favorite`, undefined, f.token)));
    const res = await rw("GET", `/articles/${a.slug}`);
    expect(((await res.json()) as { article: ArticleJson }).article.favoritesCount).toBe(4);
  });

  it("keeps search in step with edits and deletes", async () => {
    const author = await register("fts");
    const before = `alpha${uid()}`;
    const after = `omega${uid()}`;
    const a = await createArticle(author.token, { title: `About ${before}` });
    const search = async (q: string) =>
      ((await (await SELF.fetch(`${V1}/search?q=${q}`)).json()) as { articlesCount: number }).articlesCount;
    expect(await search(before)).toBe(1);
    const res = await rw("PUT", `/articles/${a.slug}`, { article: { title: `About ${after}` } }, author.token);
    const { article } = (await res.json()) as { article: ArticleJson };
    expect(await search(before)).toBe(0);
    expect(await search(after)).toBe(1);
    expect((await rw("DELETE", `/articles/${article.slug}`, undefined, author.token)).status).toBe(204);
    expect(await search(after)).toBe(0);
  });
});
