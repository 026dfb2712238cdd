import { createTestClient, mintToken } from "@edgeworks/testing";
import { expect } from "vitest";

export const BASE = "http://gateway.test/gateway/v1";

export type Item = { id: string; name: string; note: string | null; createdAt: string; updatedAt: string };
export type Page = { items: Item[]; nextCursor: string | null };

let seq = 0;
/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export async function newUser(scope = "*"): Promise<{ id: string; token: string }> {
  const id = `user_${Date.now().toString(36)}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, token: await mintToken({ sub: id, scope }) };
}

/** The product's API as its tests call it (`call`, `ok`, `problem`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
export const call = api.call;

export async function createItem(token: string, body: Record<string, unknown> = {}): Promise<Item> {
  const res = await call("POST", "/items", token, { name: "An item", ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Item;
}

/** Every item of the user through the API (all pages), for "nothing changed" checks. */
export async function listAll(token: string): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await api.ok(call("GET", `/items?limit=100${cursor ? `&cursor=${cursor}` : ""}`, token));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
