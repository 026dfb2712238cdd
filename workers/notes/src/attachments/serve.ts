import { ApiError, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";
import { attachmentDisposition } from "../export/export.service";
import type { RawAttachment } from "./attachments.service";
import { isInline } from "./sniff";

/** A satisfiable single byte range, "whole file", or "unsatisfiable" (RFC 9110 §14.1.2). */
export type ByteRange = { offset: number; length: number } | "all" | "unsatisfiable";

/**
 * Parses a `Range` header against a size. Absent, malformed, non-bytes or multi-range headers get the
 * whole file (a server may ignore Range); a range starting past the end is unsatisfiable (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return "all";
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return "all";
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return "all";
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== "" && Number(b) < start) return "all";
  if (start >= size) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}

/**
 * Serves an attachment's bytes from R2 with Range support: 200 with the whole file, 206 with
 * `Content-Range`, 416 for a range past the end. Headers keep browsers from sniffing or running it.
 */
export async function serveAttachment(
  bucket: R2Bucket,
  row: RawAttachment,
  rangeHeader: string | undefined,
  requestId?: string,
): Promise<Response> {
  const range = parseRange(rangeHeader, row.size);
  const headers = new Headers({
    "Content-Type": row.content_type,
    "Accept-Ranges": "bytes",
    "Content-Disposition": attachmentDisposition(row.filename, isInline(row.content_type) ? "inline" : "attachment"),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "Cache-Control": "private, no-cache",
  });
  if (range === "unsatisfiable") return rangeNotSatisfiable(row.size, requestId);
  const object = await bucket.get(row.r2_key, range === "all" ? {} : { range: { offset: range.offset, length: range.length } });
  if (!object) throw new ApiError("not_found", "Attachment not found");
  headers.set("ETag", object.httpEtag);
  if (range === "all") {
    headers.set("Content-Length", String(row.size));
    return new Response(object.body, { status: 200, headers });
  }
  headers.set("Content-Length", String(range.length));
  headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${row.size}`);
  return new Response(object.body, { status: 206, headers });
}

/**
 * 416 as a problem+json (the platform's error codes stop at the statuses products share, so this one is
 * built here in the same shape), with the `Content-Range` size that RFC 9110 §15.5.17 asks for.
 */
export function rangeNotSatisfiable(size: number, requestId?: string): Response {
  const problem = {
    type: "https://edgeworks.dev/problems/range-not-satisfiable",
    title: "Range not satisfiable",
    status: 416,
    detail: `The requested range starts past the end of the ${size}-byte file`,
    ...(requestId ? { instance: requestId } : {}),
    code: "range_not_satisfiable",
  };
  return new Response(JSON.stringify(problem), {
    status: 416,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Content-Range": `bytes */${size}` },
  });
}
