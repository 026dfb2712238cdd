import { serveR2File } from "@edgeworks/http";
import type { RawAttachment } from "./attachments.service";
import { isInline } from "./sniff";

/**
 * Serves an attachment's bytes from R2 with Range support: 200 with the whole file, 206 with
 * `Content-Range`, a 416 problem for a range past the end. Images and PDF are inline, text a download;
 * the CSP sandboxes a PDF or image opened on its own.
 */
export function serveAttachment(bucket: R2Bucket, row: RawAttachment, range: string | undefined): Promise<Response> {
  return serveR2File(bucket, {
    key: row.r2_key,
    size: row.size,
    contentType: row.content_type,
    filename: row.filename,
    disposition: isInline(row.content_type) ? "inline" : "attachment",
    range,
    label: "Attachment",
    headers: {
      "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      "Cache-Control": "private, no-cache",
    },
  });
}
