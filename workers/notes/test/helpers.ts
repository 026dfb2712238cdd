import { env, SELF } from "cloudflare:test";
import { createTestClient, json, newTestUser } from "@edgeworks/testing";

export const ORIGIN = "http://notes.test";
export const BASE = `${ORIGIN}/notes/v1`;

export type Access = "owner" | "editor" | "viewer";
export type Notebook = { id: string; name: string; parentId: string | null; createdAt: string; updatedAt: string; access: Access };
export type Note = {
  id: string;
  notebookId: string;
  title: string;
  content: string;
  tags: string[];
  pinned: boolean;
  archived: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  access: Access;
};
export type NoteSummary = Omit<Note, "content"> & { excerpt: string };
export type Page<T> = { items: T[]; nextCursor: string | null };
export type User = { id: string; token: string; email: string };

/** A fresh user (unique per call, so tests never see each other's data), their token and their directory email. */
export async function newUser(scope = "*"): Promise<User> {
  const user = await newTestUser(scope, "u");
  return { ...user, email: `${user.id}@users.test` };
}

/** The product's API as its tests call it (`call`, `ok`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
/** A request to the Worker; `body` is JSON-encoded unless it is a string. */
export const call = api.call;

/** Expects `status` and returns the JSON body. */
export const ok = api.ok;

export const createNotebook = (token: string, body: Record<string, unknown> = {}) =>
  ok<Notebook>(call("POST", "/notebooks", token, { name: "Notebook", ...body }), 201);

export const createNote = (token: string, notebookId: string, body: Record<string, unknown> = {}) =>
  ok<Note>(call("POST", "/notes", token, { notebookId, title: "A note", content: "Some *content*", ...body }), 201);

/** A user with one notebook and one note in it. */
export async function userWithNote(noteBody: Record<string, unknown> = {}) {
  const user = await newUser();
  const notebook = await createNotebook(user.token);
  const note = await createNote(user.token, notebook.id, noteBody);
  return { user, notebook, note };
}

export const share = (token: string, type: "notes" | "notebooks", id: string, email: string, role: "viewer" | "editor") =>
  call("POST", `/${type}/${id}/shares`, token, { email, role });

/** Every page of a list endpoint. */
export async function listAll<T>(token: string, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(`${BASE}${path}`);
    url.searchParams.set("limit", "100");
    if (cursor) url.searchParams.set("cursor", cursor);
    const page: Page<T> = await ok(SELF.fetch(url, json("GET", undefined, token)));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A note's row straight from D1 (including trashed ones). */
export async function noteRow(id: string): Promise<Record<string, unknown> | null> {
  return env.DB.prepare("SELECT * FROM notes WHERE id = ?").bind(id).first();
}

/** A multipart upload of one file. */
export function upload(path: string, token: string, file: Blob, filename: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("file", file, filename);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
}

export { expectProblem } from "@edgeworks/testing";
