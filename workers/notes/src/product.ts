import { defineProduct, type GuardedEnv, type PublicEnv as OpenEnv, sessionDatabase } from "@edgeworks/product";
import { drizzle } from "drizzle-orm/d1";
import { MAX_ATTACHMENT_BYTES } from "./attachments/sniff";
import type { ServiceDeps } from "./deps";

/** The Hono environment of the guarded API: generated bindings plus the authenticated principal. */
export type NotesEnv = GuardedEnv<Env>;
/** The Hono environment of the public (token) routes: no principal. */
export type PublicEnv = OpenEnv<Env>;

/** Request bodies: 4 MiB for JSON and imports (a 1 MiB note fits even with heavy JSON escaping); uploads get 10 MiB plus form overhead. */
const MAX_JSON_BODY = 4 * 1024 * 1024;
const MAX_UPLOAD_BODY = MAX_ATTACHMENT_BYTES + 64 * 1024;
const UPLOAD_PATH = /\/notes\/v1\/notes\/[^/]+\/attachments\/?$/;

/**
 * The notes product: health at `/notes/health`, docs at `/notes/docs`, public links on the open router,
 * and the rest of `/notes/v1` behind one guard (a Bearer token or `ewk_` API key, `notes:read`/`notes:write`,
 * 600 writes per user per minute).
 */
export const notes = defineProduct<Env, ServiceDeps>({
  prefix: "/notes",
  title: "Notes API",
  version: "1.0.0",
  description:
    "Markdown notes in nested notebooks, with tags, pins, archive, trash (purged after 30 days), revisions, FTS5 full-text search, " +
    "sanitised HTML rendering, sharing (viewer/editor by email, revocable public links), export (Markdown, PDF, ZIP), import and " +
    "attachments in R2. Every route under `/notes/v1` except `/notes/v1/public/*` needs a Bearer access token (or an `ewk_` API key) " +
    "with `notes:read` for reads and `notes:write` for writes; writes are rate limited per user (600/min, `RateLimit-*` headers). " +
    "Sharees with too little right get 403, anyone else 404. Limits: title 1..500 characters, content ≤ 1 MiB of UTF-8, ≤ 20 tags " +
    "of ≤ 50 characters, notebooks nest ≤ 10 deep, attachments ≤ 10 MiB, JSON bodies ≤ 4 MiB. Errors are `application/problem+json` (RFC 9457). " +
    "Responses that read or wrote carry `X-D1-Bookmark`; send the last one back (same header) to read your own writes from a " +
    "nearby read replica; a malformed bookmark is a 400.",
  // the tighter body limit everywhere but attachment uploads
  app: {
    maxBodyBytes: MAX_JSON_BODY,
    uploads: { maxBytes: MAX_UPLOAD_BODY, when: (c) => c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) },
  },
  // D1 read replication: each /v1 request's queries run in one D1 session (X-D1-Bookmark in and out)
  d1: (env) => env.DB,
  deps: (c) => ({ db: drizzle(sessionDatabase(c)), userId: c.var.auth.userId, now: Date.now }),
});

/** The service dependencies of an authenticated request: its database, its user and the clock. */
export const depsOf = notes.deps;
