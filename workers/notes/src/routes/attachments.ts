import { ApiError, createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { deleteAttachment, listAttachments, readableAttachment, uploadAttachment } from "../attachments/attachments.service";
import {
  attachmentIdParams,
  attachmentListSchema,
  attachmentSchema,
  rangeHeaders,
  uploadForm,
} from "../attachments/attachments.validation";
import { serveAttachment } from "../attachments/serve";
import { ATTACHMENT_TYPES } from "../attachments/sniff";
import { depsOf, type NotesEnv } from "../product";
import { noteIdParams } from "../validation";

const base = { tags: ["Attachments"], security: [{ bearerAuth: [] }] };

/** Uploads are multipart: anything else is 415 before the form parser runs. */
export const requireMultipart: MiddlewareHandler = async function requireMultipart(c, next) {
  if (!/^multipart\/form-data\s*;/i.test(c.req.header("Content-Type") ?? "")) {
    throw new ApiError("unsupported_media_type", "Send the file as multipart/form-data (field `file`)");
  }
  return next();
};

const binary = z.string().openapi({ format: "binary" });
/** Each stored type, as the download's Content-Type. */
const fileContent = Object.fromEntries(ATTACHMENT_TYPES.map((t) => [t, { schema: binary }]));

/** The bytes of a file, with Range support, as a route response. */
export const fileResponses = {
  200: { description: "The whole file, with its stored type", content: fileContent },
  206: { description: "The requested byte range (`Content-Range`)", content: fileContent },
  ...errors(416),
};

const uploadRoute = createRoute({
  operationId: "uploadAttachment",
  ...base,
  method: "post",
  path: "/notes/{id}/attachments",
  summary: "Attach a file to a note",
  description:
    "Owner or editor. Multipart form with `file`: at most 10 MiB (413), PNG/JPEG/GIF/WebP/PDF recognised by their bytes, or UTF-8 " +
    "text/plain or text/markdown (else 415); at most 100 per note (409). Reference it from the note with the returned `markdown`.",
  middleware: [requireMultipart] as const,
  request: { params: noteIdParams, body: { required: true, content: { "multipart/form-data": { schema: uploadForm } } } },
  responses: { 201: jsonResponse(attachmentSchema, "Stored"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

const listRoute = createRoute({
  operationId: "listAttachments",
  ...base,
  method: "get",
  path: "/notes/{id}/attachments",
  summary: "List a note's attachments",
  request: { params: noteIdParams },
  responses: { 200: jsonResponse(attachmentListSchema, "The attachments"), ...errors(401, 403, 404, 422) },
});

const downloadRoute = createRoute({
  operationId: "downloadAttachment",
  ...base,
  method: "get",
  path: "/attachments/{id}",
  summary: "Download an attachment",
  description:
    "Only to those who may read its note (owner and sharees; the public link has its own route). `Range: bytes=…` gets 206; " +
    "a range past the end 416. Served with `nosniff` and a sandboxing CSP.",
  request: { params: attachmentIdParams, headers: rangeHeaders },
  responses: { ...fileResponses, ...errors(401, 403, 404, 422) },
});

const deleteRoute = createRoute({
  operationId: "deleteAttachment",
  ...base,
  method: "delete",
  path: "/attachments/{id}",
  summary: "Delete an attachment",
  description: "Owner or editor of its note.",
  request: { params: attachmentIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

export const attachmentsRouter = createRouter<NotesEnv>()
  .openapi(uploadRoute, async (c) => {
    const attachment = await uploadAttachment(
      { ...depsOf(c), bucket: c.env.ATTACHMENTS },
      c.req.valid("param").id,
      c.req.valid("form").file,
    );
    c.header("Location", attachment.url);
    return c.json(attachment, 201);
  })
  .openapi(listRoute, async (c) => c.json({ items: await listAttachments(depsOf(c), c.req.valid("param").id) }, 200))
  .openapi(downloadRoute, async (c) => {
    const row = await readableAttachment(depsOf(c), c.req.valid("param").id);
    return serveAttachment(c.env.ATTACHMENTS, row, c.req.valid("header").range);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteAttachment({ ...depsOf(c), bucket: c.env.ATTACHMENTS }, c.req.valid("param").id);
    return c.body(null, 204);
  });
