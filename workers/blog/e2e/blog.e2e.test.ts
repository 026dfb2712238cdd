import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

let dev: DevServer;
beforeAll(async () => {
  dev = await startDev();
});
afterAll(async () => {
  await dev?.stop();
});

const call = (path: string, init: { method?: string; token?: string; json?: unknown } = {}) =>
  fetch(`${dev.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(init.token ? { Authorization: `Token ${init.token}` } : {}),
      ...(init.json === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });

describe("blog under pnpm dev, through the front door, with the real accounts Worker", () => {
  it("registers and logs in through accounts, publishes, follows, feeds and schedules", async () => {
    const id = Date.now().toString(36);
    const register = async (name: string) => {
      const res = await call("/blog/api/users", {
        method: "POST",
        json: { user: { username: name, email: `${name}@example.com`, password: "password123" } },
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { user: { token: string } }).user.token;
    };
    const reader = await register(`reader_${id}`);
    const writer = await register(`writer_${id}`);

    // the same account logs in to accounts directly: one identity for every product
    const direct = await fetch(`${dev.url}/auth/v1/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: `reader_${id}@example.com`, password: "password123" }),
    });
    expect(direct.status).toBe(200);
    const { accessToken } = (await direct.json()) as { accessToken: string };
    const me = await call("/blog/api/user", { token: accessToken });
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe(`reader_${id}`);

    expect((await call(`/blog/api/profiles/writer_${id}/follow`, { method: "POST", token: reader })).status).toBe(200);
    const created = await call("/blog/api/articles", {
      method: "POST",
      token: writer,
      json: { article: { title: "Hello from the edge", description: "d", body: "b", tagList: ["edge"] } },
    });
    expect(created.status).toBe(201);
    const feed = (await (await call("/blog/api/articles/feed", { token: reader })).json()) as { articlesCount: number };
    expect(feed.articlesCount).toBe(1);

    // a scheduled article is published by its Durable Object's alarm
    const at = new Date(Date.now() + 2_000).toISOString();
    const scheduled = await fetch(`${dev.url}/blog/v1/articles`, {
      method: "POST",
      headers: { Authorization: `Bearer ${writer}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Later", description: "d", body: "b", status: "scheduled", publishAt: at }),
    });
    expect(scheduled.status).toBe(201);
    const { article } = (await scheduled.json()) as { article: { slug: string } };
    expect((await call(`/blog/api/articles/${article.slug}`)).status).toBe(404);
    let status = 404;
    for (let i = 0; i < 30 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await call(`/blog/api/articles/${article.slug}`)).status;
    }
    expect(status).toBe(200);
  });
});
