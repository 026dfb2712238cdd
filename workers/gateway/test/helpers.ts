import { SELF } from "cloudflare:test";
import { createTestClient, mintToken } from "@edgeworks/testing";
import { expect } from "vitest";

/** The admin API's base URL. */
export const BASE = "http://gateway.test/gateway/v1";
/** Where proxied traffic enters: `${GW}/<slug>/<path>`. */
export const GW = "http://gateway.test/gw";

/** A workspace as the admin API returns it. */
export type Workspace = {
  id: string;
  slug: string;
  name: string;
  role: "owner" | "admin" | "viewer";
  version: number;
  createdAt: string;
  updatedAt: string;
};
export type Page<T> = { items: T[]; nextCursor: string | null };

let seq = 0;
/**
 * A fresh user (unique per call, so tests never see each other's data), their token and their email
 * (the fake accounts directory knows every id as `<id>@users.test`, so members can be added by it).
 */
export async function newUser(scope = "*"): Promise<{ id: string; token: string; email: string }> {
  const id = `user_${Date.now().toString(36)}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, token: await mintToken({ sub: id, scope }), email: `${id}@users.test` };
}

/** A unique workspace slug per call (lower-case, valid). */
export const slugOf = (prefix = "ws") => `${prefix}-${(++seq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The product's API as its tests call it (`call`, `ok`, `problem`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
export const call = api.call;

/** Creates a workspace owned by the token's user (a fresh slug unless given); its config is version 1 (empty). */
export async function createWorkspace(token: string, slug = slugOf()): Promise<Workspace> {
  return api.ok<Workspace>(call("POST", "/workspaces", token, { slug, name: `Workspace ${slug}` }), 201);
}

/** Replaces the workspace's whole config (an import); returns the new version. */
export async function putConfig(token: string, slug: string, config: unknown): Promise<{ version: number }> {
  const body = await api.ok<{ version: number }>(call("PUT", `/workspaces/${slug}/config`, token, config));
  return { version: body.version };
}

/** The workspace's current config and version. */
export async function getConfig<C = Record<string, unknown>>(token: string, slug: string): Promise<{ version: number; config: C }> {
  return api.ok(call("GET", `/workspaces/${slug}/config`, token));
}

/** Adds a member by email (as an owner); returns the member. */
export async function addMember(token: string, slug: string, email: string, role: "owner" | "admin" | "viewer") {
  return api.ok<{ userId: string; role: string }>(call("POST", `/workspaces/${slug}/members`, token, { email, role }), 201);
}

/** Asserts a 412 problem of a stale `If-Match` (it names the current version as `currentVersion`). */
export async function expectStale(res: Response | Promise<Response>, currentVersion: number): Promise<void> {
  const r = await res;
  expect(r.status).toBe(412);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(await r.json()).toMatchObject({ status: 412, code: "precondition_failed", currentVersion });
}

/**
 * A proxied request through the Worker, as the front door forwards it: `http://gateway.test/gw/<slug><path>`.
 *
 * @example const res = await gw(ws.slug, "/v1/users/7", { headers: { apikey } });
 */
export function gw(slug: string, path: string, init?: RequestInit): Promise<Response> {
  return SELF.fetch(`${GW}/${slug}${path}`, init);
}
