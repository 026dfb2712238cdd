import { env } from "cloudflare:test";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import { expect } from "vitest";

export const BASE = "http://todo.test/todo/v1";

export type Todo = {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completedAt: string | null;
  dueAt: string | null;
  priority: "low" | "medium" | "high" | "urgent";
  tags: string[];
  position: number;
  createdAt: string;
  updatedAt: string;
};
export type Page = { items: Todo[]; nextCursor: string | null };

/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export const newUser = (scope = "*") => newTestUser(scope);

/** The product's API as its tests call it (`call`, `ok`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
/** A request to the Worker; `body` is JSON-encoded unless it is a string. */
export const call = api.call;

export async function createTodo(token: string, body: Record<string, unknown> = {}): Promise<Todo> {
  const res = await call("POST", "/todos", token, { title: "A todo", ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Todo;
}

export async function getTodo(token: string, id: string): Promise<Todo | null> {
  const res = await call("GET", `/todos/${id}`, token);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()) as Todo;
}

/** Every todo of the user through the API (all pages), for "nothing changed" checks. */
export async function listAll(token: string, query = ""): Promise<Todo[]> {
  const out: Todo[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(query);
    q.set("limit", "100");
    if (cursor) q.set("cursor", cursor);
    const res = await call("GET", `/todos?${q}`, token);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The rows of the todos table for a user, straight from D1 (including soft-deleted ones). */
export async function rowsOf(userId: string): Promise<Record<string, unknown>[]> {
  const { results } = await env.DB.prepare("SELECT * FROM todos WHERE user_id = ? ORDER BY id").bind(userId).all();
  return results;
}

export { expectProblem } from "@edgeworks/testing";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
