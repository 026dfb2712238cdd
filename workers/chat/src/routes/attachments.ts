import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { acceptedType, downloadAttachment, FILE_TYPES, MAX_FILE_BYTES, uploadAttachment } from "../attachments.service";
import { type ChatEnv, depsOf } from "../product";
import { attachmentParams, attachmentSchema, roomParams, uploadQuery } from "../validation";

const binary = z.string().openapi({ format: "binary" });
const fileContent = Object.fromEntries(FILE_TYPES.map((t) => [t, { schema: binary }]));
const base = { tags: ["Files"], security: [{ bearerAuth: [] }] };

export const uploadRoute = createRoute({
  operationId: "uploadAttachment",
  ...base,
  method: "post",
  path: "/rooms/{id}/attachments",
  summary: "Upload a file to a room",
  description:
    `The raw bytes as the body, with their Content-Type (${FILE_TYPES.join(", ")}), at most ${MAX_FILE_BYTES} bytes; ` +
    "the bytes must match the type. Then send a `message` frame with the returned id in `attachments`.",
  request: {
    params: roomParams,
    query: uploadQuery,
    body: { required: true, content: fileContent },
  },
  responses: { 201: jsonResponse(attachmentSchema, "Stored"), ...errors(401, 403, 404, 413, 415, 422, 429) },
});

export const downloadRoute = createRoute({
  operationId: "downloadAttachment",
  ...base,
  method: "get",
  path: "/rooms/{id}/attachments/{attachmentId}",
  summary: "Download a file (members only)",
  description:
    "Supports one `Range` (206; past the end 416 with `Content-Range: bytes */size`; others ignored). Images are inline, other files are downloads; always `nosniff` and a sandbox CSP.",
  request: { params: attachmentParams },
  responses: {
    200: { description: "The file, with its own type", content: fileContent },
    206: { description: "Part of the file (Range)", content: fileContent },
    ...errors(401, 403, 404, 416, 422),
  },
});

/** File sharing: uploads to R2 and member-only downloads. */
export const attachmentsRouter = createRouter<ChatEnv>()
  .openapi(uploadRoute, async (c) => {
    const { id } = c.req.valid("param");
    const type = acceptedType(c.req.header("Content-Type"));
    const attachment = await uploadAttachment(depsOf(c), id, {
      type,
      name: c.req.valid("query").name ?? "file",
      body: await c.req.arrayBuffer(),
    });
    return c.json(attachment, 201);
  })
  .openapi(downloadRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    return downloadAttachment(depsOf(c), id, attachmentId, c.req.raw);
  });
