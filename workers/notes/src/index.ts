import { createApp, createRouter, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { MAX_ATTACHMENT_BYTES } from "./attachments/sniff";
import { authenticateCaller, limitWrites, requireNotesScope } from "./auth";
import type { NotesEnv } from "./env";
import { attachmentsRouter } from "./routes/attachments";
import { notebooksRouter } from "./routes/notebooks";
import { notesRouter } from "./routes/notes";
import { publicRouter } from "./routes/public";
import { revisionsRouter } from "./routes/revisions";
import { searchRouter } from "./routes/search";
import { sharingRouter } from "./routes/sharing";
import { tagsRouter } from "./routes/tags";
import { trashRouter } from "./routes/trash";
import { scheduled } from "./trash/purge-trash";

export { RateLimiter } from "@edgeworks/ratelimit";

/** Request bodies: 4 MiB for JSON and imports (a 1 MiB note fits even with heavy JSON escaping); uploads get 10 MiB plus form overhead. */
const MAX_JSON_BODY = 4 * 1024 * 1024;
const MAX_UPLOAD_BODY = MAX_ATTACHMENT_BYTES + 64 * 1024;

const healthRoute = createRoute({
  method: "get",
  path: "/notes/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

const UPLOAD_PATH = /\/notes\/v1\/notes\/[^/]+\/attachments\/?$/;

// one guarded router, so authentication runs once per request and also answers unknown /v1 paths
const v1 = createRouter<NotesEnv>();
v1.use(authenticateCaller, requireNotesScope, limitWrites);
v1.route("/", notebooksRouter);
v1.route("/", notesRouter);
v1.route("/", searchRouter);
v1.route("/", trashRouter);
v1.route("/", revisionsRouter);
v1.route("/", sharingRouter);
v1.route("/", attachmentsRouter);
v1.route("/", tagsRouter);

// the tighter body limit everywhere but attachment uploads
const app = createApp<NotesEnv>({
  maxBodyBytes: MAX_JSON_BODY,
  uploads: { maxBytes: MAX_UPLOAD_BODY, when: (c) => c.req.method === "POST" && UPLOAD_PATH.test(c.req.path) },
});
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
// public links first: they serve anonymous readers, before the guarded router's authentication
app.route("/notes/v1", publicRouter as never);
app.route("/notes/v1", v1);
mountDocs(app, {
  prefix: "/notes",
  title: "Notes API",
  version: "1.0.0",
  description:
    "Markdown notes in nested notebooks, with tags, pins, archive, trash (purged after 30 days), revisions, FTS5 full-text search, " +
    "sanitised HTML rendering, sharing (viewer/editor by email, revocable public links), export (Markdown, PDF, ZIP), import and " +
    "attachments in R2. Every route under `/notes/v1` except `/notes/v1/public/*` needs a Bearer access token (or an `ewk_` API key) " +
    "with `notes:read` for reads and `notes:write` for writes; writes are rate limited per user (600/min, `RateLimit-*` headers). " +
    "Sharees with too little right get 403, anyone else 404. Limits: title 1..500 characters, content ≤ 1 MiB of UTF-8, ≤ 20 tags " +
    "of ≤ 50 characters, notebooks nest ≤ 10 deep, attachments ≤ 10 MiB, JSON bodies ≤ 4 MiB. Errors are `application/problem+json` (RFC 9457).",
});

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
