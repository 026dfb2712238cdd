import type { D1Migration } from "cloudflare:test";
import { importJWK, type JWTPayload, SignJWT } from "jose";
import { TEST_AUDIENCE, TEST_ISSUER, TEST_PRIVATE_JWKS } from "./keys";

export * from "./keys";

export interface MintOptions {
  sub?: string;
  scope?: string;
  sid?: string;
  /** Seconds from now; negative for an expired token. Default 900. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  /** Which test key signs (0 or 1). */
  keyIndex?: 0 | 1;
  extra?: JWTPayload;
}

/**
 * Mints an ES256 access token with a test key, shaped like the ones accounts issues.
 *
 * @example const token = await mintToken({ sub: "user_a" });
 */
export async function mintToken(options: MintOptions = {}): Promise<string> {
  const jwk = TEST_PRIVATE_JWKS[options.keyIndex ?? 0];
  const key = await importJWK(jwk, "ES256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: options.scope ?? "*", ...(options.sid ? { sid: options.sid } : {}), ...options.extra })
    .setProtectedHeader({ alg: "ES256", kid: jwk.kid, typ: "JWT" })
    .setSubject(options.sub ?? "user_test")
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt(now - 1)
    .setExpirationTime(now + (options.expiresIn ?? 900))
    .setJti(crypto.randomUUID())
    .sign(key);
}

/** An unsigned token (`alg: none`) that a correct verifier must refuse. */
export function unsignedToken(sub = "user_test"): string {
  const enc = (o: object) => btoa(JSON.stringify(o)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub, iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 900, scope: "*" })}.`;
}

/** Flips one character of the signature so the token no longer verifies. */
export function tamper(token: string): string {
  const [h, p, s = ""] = token.split(".");
  const payload = JSON.parse(atob((p ?? "").replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>;
  payload.sub = `${String(payload.sub)}x`;
  const enc = btoa(JSON.stringify(payload)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
  return `${h}.${enc}.${s}`;
}

/** Request init for a JSON call with an optional bearer token. */
export function json(method: string, body?: unknown, token?: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: {
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  };
}

/** Bearer header init for a GET/DELETE. */
export const bearer = (token: string, method = "GET", headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { Authorization: `Bearer ${token}`, ...headers },
});

/** The hostile bodies every JSON route must answer with a 4xx problem and no change. */
export const hostileBodies = {
  malformed: '{"title": "x",',
  deeplyNested: `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
  loneSurrogate: '{"title": "bad \\ud800 text"}',
  twoMiB: JSON.stringify({ title: "x".repeat(2 * 1024 * 1024) }),
} as const;

/** What `POST /auth/v1/register` answers. */
export interface RegisteredUser {
  user: { id: string; email: string; name: string | null; createdAt: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  password: string;
}

/**
 * Registers a user through the accounts API (`SELF` in accounts' tests, or a dev server's fetch)
 * with a unique email unless one is given.
 *
 * @example const alice = await registerUser(SELF);
 */
export async function registerUser(
  target: { fetch: (input: string, init?: RequestInit) => Promise<Response> },
  overrides: { email?: string; password?: string; name?: string } = {},
  origin = "http://accounts.test",
): Promise<RegisteredUser> {
  const password = overrides.password ?? "correct horse battery staple";
  const email = overrides.email ?? `user-${crypto.randomUUID()}@example.com`;
  const res = await target.fetch(
    `${origin}/auth/v1/register`,
    json("POST", { email, password, ...(overrides.name ? { name: overrides.name } : {}) }),
  );
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as Omit<RegisteredUser, "password">), password };
}

/**
 * Applies a Worker's D1 migrations (read in its vitest config with `readD1Migrations`) once per
 * test file; already-applied ones are skipped.
 *
 * @example await applyMigrations(env.DB, env.TEST_MIGRATIONS);
 */
export async function applyMigrations(db: D1Database, migrations: D1Migration[]): Promise<void> {
  const { applyD1Migrations } = await import("cloudflare:test");
  await applyD1Migrations(db, migrations);
}
export * from "./client";
export * from "./conformance";
export * from "./openapi-errors";
export * from "./problem";
export * from "./schema-drift";
export * from "./security-cases";
export * from "./security-suite";
export * from "./users";
