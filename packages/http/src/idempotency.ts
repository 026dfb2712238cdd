import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "./errors";
import { invalidField } from "./validation";

/** How long a key is remembered; an older key is treated as new (draft-ietf-httpapi-idempotency-key-header §2.3). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The table the middleware keeps keys in, in the product's own D1 database (a migration of the product
 * creates it; its drizzle schema declares the same). `response` is null while the first request runs.
 */
export const IDEMPOTENCY_DDL = `CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;`;

/** Options of {@link idempotency}. */
export interface IdempotencyOptions<E extends { Bindings: object }> {
  /** The product's D1 database holding `idempotency_keys` ({@link IDEMPOTENCY_DDL}). */
  database: (env: E["Bindings"]) => D1Database;
  /** Whose key it is (keys are per user); default `c.var.auth.userId`. Null: no idempotency for this caller. */
  owner?: (c: Context<E>) => string | null | undefined;
  /** The clock (tests). */
  now?: () => number;
}

/** A first request that died mid-flight frees its key after this long, instead of blocking it for 24 h. */
const ABANDONED_MS = 60_000;
/** How long a concurrent retry waits for the first request to finish before answering 409. */
const WAIT_MS = 10_000;
const POLL_MS = 25;
/** The printable-ASCII key the header allows (1..255 characters); {@link idempotencyKeyHeaders} documents it. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** What a route that takes `Idempotency-Key` says about it in its OpenAPI description. */
export const IDEMPOTENCY_NOTE =
  "Accepts `Idempotency-Key`: a retry within 24 h with the same body replays the first answer with `Idempotent-Replayed: true`; " +
  "the same key with a different body is 422.";
/** Headers replayed with the stored body; the rest (request id, rate limits) belong to the retry. */
const KEPT_HEADERS = ["content-type", "location", "etag", "last-modified", "content-location"];

interface Stored {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** JSON with object keys sorted, so two equal bodies always hash the same whatever their key order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** The body's fingerprint: SHA-256 of its canonical JSON (of the raw text when it is not JSON), with the method and path. */
async function fingerprint(c: Context): Promise<string> {
  const text = await c.req.raw.clone().text();
  let canonical = text;
  try {
    canonical = canonicalJson(JSON.parse(text));
  } catch {
    // not JSON: the bytes themselves are the fingerprint
  }
  const data = new TextEncoder().encode(`${c.req.method} ${c.req.path}\n${canonical}`);
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const keyInUse = () =>
  new ApiError("validation_failed", "This Idempotency-Key was already used with a different request body", {
    errors: [{ path: "idempotency-key", location: "header", message: "Already used with a different request body" }],
  });

const replay = (stored: Stored): Response =>
  new Response(stored.body, { status: stored.status, headers: { ...stored.headers, "Idempotent-Replayed": "true" } });

/**
 * Opt-in `Idempotency-Key` for a route (draft-ietf-httpapi-idempotency-key-header): the first request
 * with a key runs and its 2xx response is stored for 24 h per user + key; a retry with the same body gets
 * that response again with `Idempotent-Replayed: true` (the handler does not run), the same key with a
 * different body is 422, and a key whose first request is still running makes the retry wait for it.
 * A non-2xx first answer (a failed validation) does not use up the key. Without the header the route
 * runs as usual; a malformed key is 422. Storage: the product's D1 table {@link IDEMPOTENCY_DDL}.
 *
 * @example
 * createRoute({ method: "post", path: "/todos", middleware: [idempotency<TodoEnv>({ database: (env) => env.DB })] as const, ... });
 */
export function idempotency<E extends { Bindings: object }>(options: IdempotencyOptions<E>): MiddlewareHandler<E> {
  const now = options.now ?? Date.now;
  const ownerOf = options.owner ?? ((c: Context<E>) => (c.var as { auth?: { userId?: string } }).auth?.userId);
  return async function idempotency(c, next) {
    const key = c.req.header("Idempotency-Key");
    const owner = ownerOf(c);
    if (key === undefined || !owner) return next();
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw invalidField("idempotency-key", "Must be 1..255 printable ASCII characters", "header");
    const db = options.database(c.env);
    const hash = await fingerprint(c);
    const started = now();
    const deadline = started + WAIT_MS;
    for (;;) {
      const t = now();
      // a new key, an expired one or an abandoned reservation is ours; a live one is left as it is
      const reserved = await db
        .prepare(
          `INSERT INTO idempotency_keys (user_id, key, request_hash, response, created_at) VALUES (?1, ?2, ?3, NULL, ?4)
           ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, response = NULL, created_at = excluded.created_at
           WHERE idempotency_keys.created_at <= ?5 OR (idempotency_keys.response IS NULL AND idempotency_keys.created_at <= ?6)
           RETURNING created_at`,
        )
        .bind(owner, key, hash, t, t - IDEMPOTENCY_TTL_MS, t - ABANDONED_MS)
        .first<{ created_at: number }>();
      if (reserved) return runAndStore(c, next, db, { owner, key, createdAt: t });
      const row = await db
        .prepare("SELECT request_hash, response FROM idempotency_keys WHERE user_id = ?1 AND key = ?2")
        .bind(owner, key)
        .first<{ request_hash: string; response: string | null }>();
      if (row && row.request_hash !== hash) throw keyInUse();
      if (row?.response) return replay(JSON.parse(row.response) as Stored);
      if (now() >= deadline) throw new ApiError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
}

/** Runs the route; stores a 2xx answer for replays, frees the key otherwise (a failed request may be retried). */
async function runAndStore(
  c: Context,
  next: () => Promise<void>,
  db: D1Database,
  held: { owner: string; key: string; createdAt: number },
): Promise<void> {
  const ours = "WHERE user_id = ?1 AND key = ?2 AND created_at = ?3 AND response IS NULL";
  try {
    await next();
  } catch (err) {
    await db.prepare(`DELETE FROM idempotency_keys ${ours}`).bind(held.owner, held.key, held.createdAt).run();
    throw err;
  }
  const res = c.res;
  if (res.status < 200 || res.status > 299) {
    await db.prepare(`DELETE FROM idempotency_keys ${ours}`).bind(held.owner, held.key, held.createdAt).run();
    return;
  }
  const headers = Object.fromEntries(KEPT_HEADERS.flatMap((name) => (res.headers.has(name) ? [[name, res.headers.get(name) ?? ""]] : [])));
  const stored: Stored = { status: res.status, headers, body: await res.clone().text() };
  await db
    .prepare(`UPDATE idempotency_keys SET response = ?4 ${ours}`)
    .bind(held.owner, held.key, held.createdAt, JSON.stringify(stored))
    .run();
}
