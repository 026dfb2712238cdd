import { idParam } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { isoOut } from "../fields";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "./sniff";

export const attachmentSchema = z
  .object({
    id: z.string(),
    noteId: z.string(),
    filename: z.string(),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: z.number().int(),
    createdAt: isoOut(),
    url: z
      .string()
      .openapi({ description: "Where it is served (with Range support)", example: "/notes/v1/attachments/V1StGXR8_Z5jdHi6B-myT" }),
    markdown: z.string().openapi({
      description: "A Markdown reference to paste into the note",
      example: "![photo.png](/notes/v1/attachments/V1StGXR8_Z5jdHi6B-myT)",
    }),
  })
  .openapi("Attachment");
export type Attachment = z.infer<typeof attachmentSchema>;
export const attachmentListSchema = z.object({ items: z.array(attachmentSchema) }).openapi("AttachmentList");

export const uploadForm = z
  .object({
    file: z.instanceof(File, { message: "Must be a file" }).openapi({
      type: "string",
      format: "binary",
      description: `At most ${MAX_ATTACHMENT_BYTES} bytes; PNG, JPEG, GIF, WebP, PDF (recognised by their bytes), or UTF-8 text/plain or text/markdown`,
    }),
  })
  .openapi("AttachmentUpload");

export const attachmentIdParams = z.object({ id: idParam("Attachment id") });

export const rangeHeaders = z.object({
  range: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "One byte range, e.g. `bytes=0-1023`; several ranges are answered with the whole file" }),
});
