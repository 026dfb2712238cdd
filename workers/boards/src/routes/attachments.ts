import {
  acceptedUploadType,
  checkUpload,
  createRouter,
  errors,
  FILE_NAME,
  serveR2File,
  textField,
  type UploadPolicy,
} from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { boardOfChild } from "../board-client";
import { unwrap } from "../do/result";
import { newLocalId } from "../ids";
import type { BoardsEnv } from "../product";
import { attachmentParams, cardIdParams } from "../validation";
import { cardSchema } from "../views";
import { auth, cardHeaders, cardJson } from "./common";

/** Largest attachment: 5 MiB (the app's body limit is set to match). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Types a card may carry; anything else is 415 (no HTML or SVG: they could run script when opened). */
export const ATTACHMENT_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/csv",
  "text/markdown",
  "application/json",
  "application/zip",
  "application/octet-stream",
] as const;

/** packages/http's upload policy for card attachments (415 type, 422 empty, 413 size, 415 bytes that are not the type). */
const ATTACHMENT_POLICY: UploadPolicy = { types: ATTACHMENT_TYPES, maxBytes: MAX_ATTACHMENT_BYTES, label: "Attachments" };

const fileContent = Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: { type: "string" as const, format: "binary" } }]));

const uploadRoute = createRoute({
  operationId: "uploadAttachment",
  tags: ["Attachments"],
  ...auth,
  method: "post",
  path: "/cards/{id}/attachments",
  summary: "Attach a file to a card (raw body)",
  description: `The body is the file (at most ${MAX_ATTACHMENT_BYTES} bytes, 413 above); its \`Content-Type\` must be one of ${ATTACHMENT_TYPES.join(", ")} (415 otherwise), and the bytes must be that type: images, PDF and ZIP by their signature, text and JSON as UTF-8 (415 otherwise).`,
  request: {
    params: cardIdParams,
    query: z.object({
      filename: textField({ min: 1, max: 255, pattern: FILE_NAME, rule: "Must not be blank or contain control characters or slashes" }),
    }),
    // plain OpenAPI schemas, not zod: the file is read raw, never parsed (not even when it is JSON)
    body: {
      required: true,
      content: fileContent,
    },
  },
  responses: {
    201: { description: "The card with its new attachment", headers: cardHeaders, content: { "application/json": { schema: cardSchema } } },
    ...errors(401, 403, 404, 413, 415, 422, 429),
  },
});

const downloadRoute = createRoute({
  operationId: "downloadAttachment",
  tags: ["Attachments"],
  ...auth,
  method: "get",
  path: "/cards/{id}/attachments/{attachmentId}",
  summary: "Download an attachment (board members only)",
  description:
    "Served with the type it was uploaded with, as `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`. " +
    "One `Range: bytes=…` gets 206; a range past the end 416 (`Content-Range: bytes */size`); other Range headers are ignored.",
  request: { params: attachmentParams },
  responses: {
    200: { description: "The file, as an attachment download", content: fileContent },
    206: { description: "The requested byte range (`Content-Range`)", content: fileContent },
    ...errors(401, 403, 404, 416, 422),
  },
});

const deleteRoute = createRoute({
  operationId: "deleteAttachment",
  tags: ["Attachments"],
  ...auth,
  method: "delete",
  path: "/cards/{id}/attachments/{attachmentId}",
  summary: "Remove an attachment",
  request: { params: attachmentParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 422, 429) },
});

/** Card attachments in R2 under keys made of ids only (never the filename). */
export const attachmentsRouter = createRouter<BoardsEnv>()
  .openapi(uploadRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { filename } = c.req.valid("query");
    // who may write comes first: a stranger learns nothing, not even which types are accepted
    const userId = c.var.auth.userId;
    const { boardId, board } = await boardOfChild(c.env, "card", id, userId);
    unwrap(await board.canWriteCard(userId, id));
    acceptedUploadType(ATTACHMENT_POLICY, c.req.header("Content-Type"));
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // the bytes decide, not the label: a declared image/png must really be one, text must be UTF-8
    const contentType = checkUpload(ATTACHMENT_POLICY, c.req.header("Content-Type"), bytes);
    const attachmentId = newLocalId();
    const key = `boards/${boardId}/cards/${id}/${attachmentId}`;
    await c.env.BOARD_FILES.put(key, bytes, { httpMetadata: { contentType } });
    const result = await board.addAttachment(userId, id, {
      id: attachmentId,
      filename,
      content_type: contentType,
      size: bytes.byteLength,
      r2_key: key,
    });
    if (!result.ok) await c.env.BOARD_FILES.delete(key); // the card went away meanwhile
    return cardJson(c, unwrap(result), 201);
  })
  .openapi(downloadRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const userId = c.var.auth.userId;
    const { board } = await boardOfChild(c.env, "card", id, userId);
    const meta = unwrap(await board.getAttachment(userId, id, attachmentId));
    // always a download: the declared type is trusted, so nothing uploaded is ever rendered in place
    return serveR2File(c.env.BOARD_FILES, {
      key: meta.r2_key,
      size: meta.size,
      contentType: meta.content_type,
      filename: meta.filename,
      disposition: "attachment",
      range: c.req.header("Range"),
      label: "Attachment",
      headers: { "Cache-Control": "private, no-store" },
    });
  })
  .openapi(deleteRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const userId = c.var.auth.userId;
    const { board } = await boardOfChild(c.env, "card", id, userId);
    const key = unwrap(await board.removeAttachment(userId, id, attachmentId));
    c.executionCtx.waitUntil(c.env.BOARD_FILES.delete(key));
    return c.body(null, 204);
  });
