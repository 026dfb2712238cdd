import { createRouter, errors, idParam, iso, jsonResponse } from "@edgeworks/http";
import { sessionDatabase } from "@edgeworks/product";
import { createRoute, z } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import { publicAttachment } from "../attachments/attachments.service";
import { rangeHeaders } from "../attachments/attachments.validation";
import { serveAttachment } from "../attachments/serve";
import { parseTags } from "../note-row";
import type { PublicEnv } from "../product";
import { noteByPublicToken } from "../public-links.service";
import { HTML_HEADERS, htmlPage, renderMarkdown } from "../render/markdown";
import { publicNoteSchema, publicTokenParams } from "../sharing.validation";
import { fileResponses } from "./attachments";

// the link's token (in the path) is the credential: no Authorization header
const base = { tags: ["Public links"], security: [] };

const publicNoteRoute = createRoute({
  operationId: "getPublicNote",
  ...base,
  method: "get",
  path: "/public/{token}",
  summary: "Read a note through its public link",
  description: "No authentication. 404 for an unknown or revoked token or a trashed note.",
  request: { params: publicTokenParams },
  responses: { 200: jsonResponse(publicNoteSchema, "The note, read-only"), ...errors(404, 422) },
});

const publicHtmlRoute = createRoute({
  operationId: "getPublicNoteHtml",
  ...base,
  method: "get",
  path: "/public/{token}/html",
  summary: "A public note as an HTML page",
  description: "Sanitised like `/notes/{id}/html`, in a page; its attachment images point at the public attachment route.",
  request: { params: publicTokenParams },
  responses: { 200: { description: "HTML page", content: { "text/html": { schema: z.string() } } }, ...errors(404, 422) },
});

const publicAttachmentRoute = createRoute({
  operationId: "downloadPublicAttachment",
  ...base,
  method: "get",
  path: "/public/{token}/attachments/{attachmentId}",
  summary: "An attachment of a public note",
  description: "Only attachments of the note behind the token; Range supported.",
  request: {
    params: publicTokenParams.extend({
      attachmentId: idParam("Attachment id").openapi({ param: { name: "attachmentId", in: "path" } }),
    }),
    headers: rangeHeaders,
  },
  responses: { ...fileResponses, ...errors(404, 422) },
});

/** Read-only access by public token; no authentication (these routes are mounted before the guarded router). */
export const publicRouter = createRouter<PublicEnv>()
  .openapi(publicNoteRoute, async (c) => {
    const row = await noteByPublicToken(drizzle(sessionDatabase(c)), c.req.valid("param").token);
    c.header("Cache-Control", "private, no-cache");
    return c.json(
      {
        id: row.id,
        title: row.title,
        content: row.content ?? "",
        tags: parseTags(row.tags),
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
      },
      200,
    );
  })
  .openapi(publicHtmlRoute, async (c) => {
    const { token } = c.req.valid("param");
    const row = await noteByPublicToken(drizzle(sessionDatabase(c)), token);
    const body = await renderMarkdown(row.content ?? "", { attachmentUrl: (id) => `/notes/v1/public/${token}/attachments/${id}` });
    return c.body(htmlPage(row.title, body), 200, { ...HTML_HEADERS, "Cache-Control": "private, no-cache" });
  })
  .openapi(publicAttachmentRoute, async (c) => {
    const { token, attachmentId } = c.req.valid("param");
    const db = drizzle(sessionDatabase(c));
    const note = await noteByPublicToken(db, token);
    const row = await publicAttachment(db, note.id, attachmentId);
    return serveAttachment(c.env.ATTACHMENTS, row, c.req.valid("header").range);
  });
