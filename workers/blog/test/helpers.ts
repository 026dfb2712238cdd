import { createTestClient } from "@edgeworks/testing";
import { expect } from "vitest";

export const API = "https://blog.test/blog/api";
export const V1 = "https://blog.test/blog/v1";

let seq = 0;
export const uid = () => `${Date.now().toString(36)}${++seq}${Math.random().toString(36).slice(2, 6)}`;

/** The RealWorld API as its tests call it; a token goes in `Authorization: Token …` (RealWorld's scheme). */
export const realWorld = createTestClient(API, { scheme: "Token" });
/** A RealWorld request (body before token, as RealWorld's own suites write it). */
export const rw = (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) =>
  realWorld.call(method, path, token, body, headers);

export interface TestUser {
  username: string;
  email: string;
  token: string;
}

/** Registers a user through POST /api/users (and so through the fake accounts Worker). */
export async function register(prefix = "u"): Promise<TestUser> {
  const name = `${prefix}_${uid()}`;
  const res = await rw("POST", "/users", { user: { username: name, email: `${name}@example.com`, password: "password123" } });
  expect(res.status).toBe(201);
  const { user } = (await res.json()) as { user: TestUser };
  return user;
}

export interface ArticleJson {
  slug: string;
  title: string;
  description: string;
  body?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: { username: string; bio: string | null; image: string | null; following: boolean };
}

export async function createArticle(token: string, article: Record<string, unknown> = {}): Promise<ArticleJson> {
  const res = await rw("POST", "/articles", { article: { title: `Title ${uid()}`, description: "desc", body: "body", ...article } }, token);
  expect(res.status).toBe(201);
  return ((await res.json()) as { article: ArticleJson }).article;
}

/** Asserts RealWorld's error shape with exactly this body. */
export async function expectErrors(res: Response, status: number, errors: Record<string, string[]>) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(await res.json()).toEqual({ errors });
}
