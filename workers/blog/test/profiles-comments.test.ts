import { describe, expect, it } from "vitest";
import { createArticle, expectErrors, register, rw, uid } from "./helpers";

describe("profiles", () => {
  it("shows a profile with following for the caller, follows and unfollows idempotently", async () => {
    const me = await register("me");
    const them = await register("them");
    const get = async (token?: string) =>
      ((await (await rw("GET", `/profiles/${them.username}`, undefined, token)).json()) as { profile: object }).profile;
    expect(await get()).toEqual({ username: them.username, bio: null, image: null, following: false });
    for (let i = 0; i < 2; i++) {
      const res = await rw("POST", `/profiles/${them.username}/follow`, undefined, me.token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { profile: object }).profile).toMatchObject({ following: true });
    }
    expect(await get(me.token)).toMatchObject({ following: true });
    expect(await get()).toMatchObject({ following: false });
    const res = await rw("DELETE", `/profiles/${them.username}/follow`, undefined, me.token);
    expect(((await res.json()) as { profile: object }).profile).toMatchObject({ following: false });
    expect(await get(me.token)).toMatchObject({ following: false });
  });

  it("answers 404 for unknown profiles and 401 without a token, 422 for following yourself", async () => {
    const me = await register("me");
    await expectErrors(await rw("GET", `/profiles/nobody_${uid()}`), 404, { profile: ["not found"] });
    await expectErrors(await rw("POST", `/profiles/nobody_${uid()}/follow`), 401, { token: ["is missing"] });
    await expectErrors(await rw("POST", `/profiles/nobody_${uid()}/follow`, undefined, me.token), 404, { profile: ["not found"] });
    await expectErrors(await rw("DELETE", `/profiles/nobody_${uid()}/follow`, undefined, me.token), 404, { profile: ["not found"] });
    await expectErrors(await rw("POST", `/profiles/${me.username}/follow`, undefined, me.token), 422, {
      profile: ["can't follow yourself"],
    });
    expect((await rw("GET", "/profiles/..%2F..%2Fetc")).status).toBe(404);
  });
});

describe("comments", () => {
  it("adds, lists oldest first and deletes comments", async () => {
    const author = await register("ca");
    const a = await createArticle(author.token);
    const add = async (body: string) => {
      const res = await rw("POST", `/articles/${a.slug}/comments`, { comment: { body } }, author.token);
      expect(res.status).toBe(201);
      return ((await res.json()) as { comment: { id: number; body: string; author: { username: string } } }).comment;
    };
    const c1 = await add("first");
    const c2 = await add("second");
    expect(c1).toMatchObject({ id: expect.any(Number), body: "first", author: { username: author.username, following: false } });
    const listed = (await (await rw("GET", `/articles/${a.slug}/comments`)).json()) as { comments: { id: number }[] };
    expect(listed.comments.map((c) => c.id)).toEqual([c1.id, c2.id]);
    expect((await rw("DELETE", `/articles/${a.slug}/comments/${c1.id}`, undefined, author.token)).status).toBe(204);
    const after = (await (await rw("GET", `/articles/${a.slug}/comments`)).json()) as { comments: { id: number }[] };
    expect(after.comments.map((c) => c.id)).toEqual([c2.id]);
  });

  it("refuses bad input, unknown articles and comments, and other people's deletes", async () => {
    const author = await register("cb");
    const other = await register("cc");
    const a = await createArticle(author.token);
    await expectErrors(await rw("POST", `/articles/${a.slug}/comments`, { comment: { body: "" } }, author.token), 422, {
      body: ["can't be blank"],
    });
    await expectErrors(await rw("POST", `/articles/${a.slug}/comments`, { comment: { body: "x" } }), 401, { token: ["is missing"] });
    await expectErrors(await rw("POST", `/articles/nope-${uid()}/comments`, { comment: { body: "x" } }, author.token), 404, {
      article: ["not found"],
    });
    await expectErrors(await rw("DELETE", `/articles/${a.slug}/comments/99999`, undefined, author.token), 404, { comment: ["not found"] });
    await expectErrors(await rw("DELETE", `/articles/${a.slug}/comments/abc`, undefined, author.token), 422, {
      id: ["must be an integer"],
    });
    const res = await rw("POST", `/articles/${a.slug}/comments`, { comment: { body: "mine" } }, author.token);
    const { comment } = (await res.json()) as { comment: { id: number } };
    await expectErrors(await rw("DELETE", `/articles/${a.slug}/comments/${comment.id}`, undefined, other.token), 403, {
      comment: ["forbidden"],
    });
    // a comment id of another article is not found under this one
    const b = await createArticle(author.token);
    await expectErrors(await rw("DELETE", `/articles/${b.slug}/comments/${comment.id}`, undefined, author.token), 404, {
      comment: ["not found"],
    });
  });
});
