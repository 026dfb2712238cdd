import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { expect } from "vitest";

export type { Echo } from "./upstream";

// What every gateway e2e file needs: the dev server's address (started once by global-setup.ts), a real
// accounts user, the admin API as a small JSON client, proxied calls through the front door, polling with a
// deadline (logs and health travel through queues and Durable Objects: never a fixed sleep), and raw HTTP for
// the inputs `fetch` would clean up before sending (dot segments, CR/LF).

let baseUrl: string | undefined;

/** Sets the front door the suites talk to (gateway.e2e.test.ts, once its dev server answers). */
export function useDevServer(url: string): void {
  baseUrl = url.replace(/\/$/, "");
}

/** The front door of the `pnpm dev` the suites run against. */
export function devUrl(): string {
  if (!baseUrl) throw new Error("no dev server yet (useDevServer)");
  return baseUrl;
}

/** A JSON answer: status, headers and the parsed body (the text when it is not JSON). */
export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function reply<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body: body as T };
}

/** Registers a fresh accounts user through the front door; returns its access token. */
export async function signUp(label: string): Promise<string> {
  const email = `gw-e2e-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
  const res = await fetch(`${devUrl()}/auth/v1/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery staple" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** The admin API (`/gateway/v1`) for one user. */
export interface Admin {
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** A plain GET with the token (for text answers: metrics, YAML exports). */
  raw(path: string, headers?: Record<string, string>): Promise<Response>;
  /** `call`, asserting the status (200 unless given); returns the body. */
  ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown, status?: number): Promise<T>;
}

/**
 * An admin API client with the user's Bearer token.
 *
 * @example const admin = adminFor(await signUp("me")); await admin.ok("POST", "/workspaces", { slug, name }, 201);
 */
export function adminFor(token: string): Admin {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${devUrl()}/gateway/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined || typeof body === "string" ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return reply<T>(res);
  };
  return {
    call,
    raw: (path, headers = {}) => fetch(`${devUrl()}/gateway/v1${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } }),
    ok: async <T>(method: string, path: string, body?: unknown, status = 200) => {
      const r = await call<T>(method, path, body);
      if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/** A unique workspace slug. */
export const slugOf = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** A proxied request through the front door: `/gw/<slug><path>`. */
export function gw(slug: string, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${devUrl()}/gw/${slug}${path}`, init);
}

/** `gw`, with the answer read as JSON (or text). */
export async function gwJson<T = Record<string, unknown>>(slug: string, path: string, init?: RequestInit): Promise<Reply<T>> {
  return reply<T>(await gw(slug, path, init));
}

/** Polls `read` until `done` holds, or fails with the last value once `ms` have passed. */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

/** A raw answer: status, lower-case headers and the body text. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A request whose path is sent exactly as written (node:http does not resolve `..` or decode `%2e`, unlike
 * `fetch`, which would turn `/gw/ws/../admin` into `/gw/admin` before it left this process).
 */
export function rawRequest(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
  const url = new URL(devUrl());
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: init.method ?? "GET", headers: init.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** Writes `head` (a whole request head, CRLFs included) on a fresh socket; resolves with the status line's code. */
export function rawSocket(head: string): Promise<{ status: number; text: string }> {
  const url = new URL(devUrl());
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(head));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => {
      text += d;
      // one answer is enough: the status line and the headers (the body may never end on a kept-alive socket)
      if (text.includes("\r\n\r\n")) socket.end();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.setTimeout(30_000, () => socket.destroy(new Error("no answer in 30 s")));
  });
}

/** The problem+json body of a refused request (RFC 9457, as @edgeworks/http writes it). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** Asserts a problem+json answer with this status (and code, when given). */
export function expectProblem(r: Reply<unknown> | RawReply, status: number, code?: string): Problem {
  const type = r.headers instanceof Headers ? r.headers.get("content-type") : String(r.headers["content-type"] ?? "");
  const body = ("body" in r ? r.body : JSON.parse(r.text)) as Problem;
  expect({ status: r.status, type, code: body?.code }).toMatchObject({
    status,
    type: expect.stringContaining("application/problem+json"),
    ...(code ? { code } : {}),
  });
  return body;
}
