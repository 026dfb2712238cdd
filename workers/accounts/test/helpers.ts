import { env, SELF } from "cloudflare:test";
import { createTestClient, type RegisteredUser, registerUser } from "@edgeworks/testing";
import { decodeJwt } from "jose";
import { expect, vi } from "vitest";

export const ORIGIN = "http://accounts.test";
export const BASE = `${ORIGIN}/auth/v1`;

/** What every session response holds. */
export type SessionBody = {
  user: { id: string; email: string; name: string | null; createdAt: string; emailVerified: boolean };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
};
export type TestUser = RegisteredUser & { user: SessionBody["user"]; sessionId: string };

let ipSeq = 0;
/** A client IP of its own per call, so per-IP limits of one test never affect another. */
export const freshIp = (): string => `198.51.${Math.floor(++ipSeq / 250) % 250}.${(ipSeq % 250) + 1}`;

/** The accounts API as its tests call it: packages/testing's createTestClient, each request from a fresh client IP. */
export const api = createTestClient(BASE, { headers: () => ({ "CF-Connecting-IP": freshIp() }) });
/** A request to the Worker; `body` is JSON-encoded unless it is a string. Sent from a fresh client IP unless one is given. */
export const call = api.call;

/** The `sid` claim of an access token. */
export const sidOf = (accessToken: string): string => String(decodeJwt(accessToken).sid);

/** Registers a user with a unique email (or the given fields). */
export async function register(overrides: { email?: string; password?: string; name?: string } = {}): Promise<TestUser> {
  // registration is limited per client network: every test user comes from an address of its own
  const target = { fetch: (url: string, init?: RequestInit) => SELF.fetch(url, withIp(init)) };
  const registered = await registerUser(target, overrides, ORIGIN);
  return { ...(registered as TestUser), sessionId: sidOf(registered.accessToken) };
}

const withIp = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), "CF-Connecting-IP": freshIp() },
});

/**
 * Verifies the user's address with the token from its registration email, from the user's own
 * session (which therefore stays: the first verification ends every other session and API key).
 */
export async function verifyAddress(user: TestUser): Promise<void> {
  const mail = (await outbox(user.user.email)).find((m) => m.kind === "email_verification");
  const res = await call("POST", "/email/verify", user.accessToken, { token: mail?.payload.token });
  expect(res.status).toBe(200);
}

/** Marks the user's address verified in the database (setup for API-key tests: keys need a verified address; no session is touched). */
export async function markVerified(user: { user: { id: string } }): Promise<void> {
  await env.DB.prepare("UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL")
    .bind(Date.now(), user.user.id)
    .run();
}

/** Registers a user whose address counts as verified, as a user who may create API keys. */
export async function registerVerified(overrides: { email?: string; password?: string; name?: string } = {}): Promise<TestUser> {
  const user = await register(overrides);
  await markVerified(user);
  return { ...user, user: { ...user.user, emailVerified: true } };
}

/** Logs in and returns the session body (asserting 200). */
export async function login(email: string, password: string): Promise<SessionBody> {
  const res = await call("POST", "/login", undefined, { email, password });
  expect(res.status).toBe(200);
  return (await res.json()) as SessionBody;
}

const TITLES: Record<string, string> = {
  bad_request: "Bad request",
  malformed_json: "Malformed JSON",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
  rate_limited: "Too many requests",
};
const STATUS: Record<string, number> = {
  bad_request: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
};

/**
 * Asserts a whole problem+json response: status, content type, and every member of the body
 * (`instance` is the request id echoed in X-Request-Id). Returns the body.
 */
export async function expectProblem(
  res: Response,
  code: string,
  detail?: string | RegExp,
  errors?: { path: string; location?: string; message?: string | RegExp }[],
): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(STATUS[code]);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect(body).toEqual({
    type: `https://edgeworks.dev/problems/${code.replaceAll("_", "-")}`,
    title: TITLES[code],
    status: STATUS[code],
    detail: detail === undefined ? expect.any(String) : typeof detail === "string" ? detail : expect.stringMatching(detail),
    instance: res.headers.get("X-Request-Id"),
    code,
    ...(errors
      ? {
          errors: errors.map((e) =>
            expect.objectContaining({
              path: e.path,
              location: e.location ?? "body",
              message:
                e.message === undefined ? expect.any(String) : typeof e.message === "string" ? e.message : expect.stringMatching(e.message),
            }),
          ),
        }
      : code === "validation_failed"
        ? { errors: expect.any(Array) }
        : {}),
  });
  return body;
}

/** Asserts a 422 whose `errors` include one entry for `path` (in the body unless told). */
export async function expectInvalid(res: Response, path: string, message?: string | RegExp, location = "body") {
  const body = await expectProblem(res, "validation_failed", "The request has invalid fields");
  expect(body.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        path,
        location,
        ...(message ? { message: typeof message === "string" ? message : expect.stringMatching(message) } : {}),
      }),
    ]),
  );
}

const TABLES = ["users", "sessions", "refresh_tokens", "one_time_tokens", "api_keys", "outbox"] as const;

/** Every row of every table, for "nothing changed" assertions. */
export async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = (await env.DB.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()).results;
  return out;
}

export type OutboxItem = {
  id: string;
  kind: string;
  to: string;
  subject: string;
  body: string;
  payload: Record<string, string>;
  createdAt: string;
  sentAt: string | null;
};

/** The dev outbox, newest first. */
export async function outbox(to?: string): Promise<OutboxItem[]> {
  const res = await SELF.fetch(`${BASE}/dev/outbox${to ? `?to=${encodeURIComponent(to)}` : ""}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: OutboxItem[] }).items;
}

/** Waits for the `n`-th message of a kind to an address (some are queued after the response) and returns the newest. */
export async function waitForMail(to: string, kind: string, n = 1): Promise<OutboxItem> {
  return vi.waitFor(
    async () => {
      const mails = (await outbox(to)).filter((m) => m.kind === kind);
      if (mails.length < n) throw new Error(`${mails.length} of ${n} ${kind} messages to ${to}`);
      return mails[0] as OutboxItem;
    },
    { timeout: 3000, interval: 20 },
  );
}

/** Hostile request bodies every JSON route must refuse with a problem and no change. */
export const rawBody = (method: string, body: string, token?: string, contentType = "application/json"): RequestInit => ({
  method,
  body,
  headers: { "Content-Type": contentType, "CF-Connecting-IP": freshIp(), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
});

export type ApiKeyBody = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
};
export type CreatedApiKey = ApiKeyBody & { key: string };
export type ApiKeyPage = { items: ApiKeyBody[]; nextCursor: string | null };

/** Creates an API key for `owner` (asserting 201). */
export async function createKey(owner: TestUser, body: Record<string, unknown> = { name: "CI" }): Promise<CreatedApiKey> {
  // keys need a verified address (see credentials.test.ts)
  await markVerified(owner);
  const res = await call("POST", "/api-keys", owner.accessToken, body);
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedApiKey;
}

/** One page of `owner`'s API keys (asserting 200). */
export async function listKeys(owner: TestUser, query = ""): Promise<ApiKeyPage> {
  const res = await call("GET", `/api-keys${query}`, owner.accessToken);
  expect(res.status).toBe(200);
  return (await res.json()) as ApiKeyPage;
}

/** SHA-256 hex, as the database stores tokens and keys. */
export const sha256 = async (s: string): Promise<string> =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
