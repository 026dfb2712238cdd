import { env, SELF } from "cloudflare:test";
import { createTestClient, newTestUser, type SecurityRoute } from "@edgeworks/testing";
import { expect } from "vitest";

export const ORIGIN = "https://sho.rt";
export const API = `${ORIGIN}/links/v1`;

export type Link = {
  id: string;
  slug: string;
  shortUrl: string;
  url: string;
  title: string | null;
  redirectType: number;
  expiresAt: string | null;
  maxClicks: number | null;
  expiredUrl: string | null;
  passwordProtected: boolean;
  tags: string[];
  rules: { type: string; value: string; url: string }[];
  passQuery: boolean;
  disabled: boolean;
  clicks: number;
  createdAt: string;
  updatedAt: string;
};

export const CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
export const ANDROID_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
export const GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

let seq = 0;
/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export const newUser = (scope = "*") => newTestUser(scope);

/** A fresh client IP, so the strict anonymous limit of one test never touches another's. */
export const newIp = () => `203.0.113.${Math.floor(Math.random() * 250)}-${++seq}`;

/** The product's API as its tests call it (`call`, `ok`): packages/testing's createTestClient. */
export const api = createTestClient(API);
/** A request to the API; `body` is JSON-encoded unless it is a string. */
export const call = api.call;

export async function createLink(token: string, body: Record<string, unknown> = {}): Promise<Link> {
  const res = await call("POST", "/links", token, { url: "https://example.com/landing", ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Link;
}

export async function getLink(token: string, id: string): Promise<Link | null> {
  const res = await call("GET", `/links/${id}`, token);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()) as Link;
}

/** Opens a short link like a browser would, without following the redirect. */
export function visit(slug: string, init: RequestInit & { cf?: Record<string, unknown> } = {}, query = "") {
  const headers = new Headers(init.headers);
  if (!headers.has("User-Agent")) headers.set("User-Agent", CHROME_UA);
  return SELF.fetch(`${ORIGIN}/${slug}${query}`, { redirect: "manual", ...init, headers } as RequestInit);
}

/** The rows of the links table for a user, straight from D1 (including soft-deleted ones). */
export async function rowsOf(userId: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.DB.prepare("SELECT * FROM links WHERE user_id = ? ORDER BY id").bind(userId).all();
  return results;
}

export { expectProblem } from "@edgeworks/testing";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(100);
  }
}

/**
 * Every owner route under /links/v1; `ID` is the owner's link. `POST /links` is not here: without a
 * credential it creates an anonymous link ("bad input" below covers its bodies).
 */
export const OWNER_ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/links", read: true },
  { method: "POST", path: "/links/bulk", body: { links: [{ url: "https://example.com" }] }, read: false },
  { method: "GET", path: "/links/ID", read: true },
  { method: "PATCH", path: "/links/ID", body: { title: "x" }, read: false },
  { method: "DELETE", path: "/links/ID", read: false },
  { method: "GET", path: "/links/ID/stats", read: true },
  { method: "GET", path: "/links/ID/stats.svg", read: true },
  { method: "GET", path: "/links/ID/qr", read: true },
];
