import { ApiError, notFound } from "./errors";

/** The binary types recognised by their leading bytes. What a product accepts stays its own list. */
export const BINARY_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "application/zip"] as const;
export type BinaryType = (typeof BINARY_TYPES)[number];

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

// WHATWG MIME Sniffing §6 signatures; WebP needs "WEBP" at 8, or any RIFF (WAV, AVI) would pass.
const SIGNATURES: [BinaryType, (b: Uint8Array) => boolean][] = [
  ["image/png", (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ["image/jpeg", (b) => startsWith(b, [0xff, 0xd8, 0xff])],
  ["image/gif", (b) => startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))],
  ["image/webp", (b) => startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)],
  ["application/pdf", (b) => startsWith(b, ascii("%PDF-"))],
  // a local file header, or the end-of-central-directory record that is all an empty archive has
  ["application/zip", (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])],
];

/**
 * The binary type these bytes are, by magic number, or null. Never trust the declared type for these:
 * a browser given `nosniff` still renders whatever the declared type says.
 *
 * @example sniffBinaryType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // "image/jpeg"
 */
export function sniffBinaryType(bytes: Uint8Array): BinaryType | null {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0] ?? null;
}

/**
 * Whether the bytes are text: valid UTF-8 (a BOM allowed) without NUL, so no binary passes as text.
 *
 * @example isUtf8Text(new TextEncoder().encode("héllo")) // true
 */
export function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * A media type without parameters, lower-cased (RFC 9110 §8.3.1: type and subtype are case-insensitive).
 *
 * @example mediaTypeOf("Text/Plain; charset=utf-8") // "text/plain"
 */
export const mediaTypeOf = (header: string | null | undefined): string => (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** One satisfiable byte range, the whole file, or "unsatisfiable" (416). */
export type ByteRange = { offset: number; length: number } | "all" | "unsatisfiable";

/**
 * Parses a `Range` header against a size (RFC 9110 §14.1.2). Only one range is served: absent,
 * malformed, reversed, non-bytes and multi-range headers get the whole file, which §14.2 allows
 * ("a server MAY ignore the Range header field"); a first byte past the end or `bytes=-0` is 416.
 *
 * @example parseRange("bytes=-5", 100) // { offset: 95, length: 5 }
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange {
  if (!header) return "all";
  // the unit is case-insensitive (§14.1); digits only, so huge values become large numbers, never NaN
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header.trim());
  if (!m) return "all";
  const [, first = "", last = ""] = m;
  if (first === "" && last === "") return "all";
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    if (size === 0) return "all"; // nothing to cut from an empty file: send it (empty) whole
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return "all"; // invalid range-spec: ignored, not 416
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset: start, length: end - start + 1 };
}

// RFC 8187 attr-char leaves out ' ( ) * (encodeURIComponent keeps them): a quote would end the charset
const encodeExtValue = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition` per RFC 6266: a printable-ASCII `filename` fallback for old clients and the
 * exact name as UTF-8 in `filename*` (RFC 8187, formerly 5987).
 *
 * @example contentDisposition("ü.pdf", "attachment") // `attachment; filename="_.pdf"; filename*=UTF-8''%C3%BC.pdf`
 */
export function contentDisposition(filename: string, disposition: "inline" | "attachment"): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}

/** What the product knows about a stored file; its policy (disposition, caching, CSP) comes with it. */
export interface ServeFileOptions {
  /** The R2 key. */
  key: string;
  /** The size the product recorded at upload; ranges are computed against it. */
  size: number;
  contentType: string;
  filename: string;
  disposition: "inline" | "attachment";
  /** The request's `Range` header. */
  range?: string | null;
  /** Product headers, e.g. `Cache-Control` and `Content-Security-Policy`. */
  headers?: Record<string, string>;
  /** Names the thing in the 404 when the bytes are gone, e.g. "Attachment". */
  label?: string;
}

/**
 * Serves a file from R2: 200 with the whole file or 206 with `Content-Range`, always with
 * `Accept-Ranges`, `ETag` and `nosniff`; throws a 416 problem with `Content-Range: bytes *\/size`
 * (RFC 9110 §15.5.17) for a range past the end, and a 404 when the object is missing.
 *
 * @example
 * return serveR2File(c.env.FILES, { key, size, contentType, filename, disposition: "inline", range: c.req.header("Range") });
 */
export async function serveR2File(bucket: R2Bucket, file: ServeFileOptions): Promise<Response> {
  const range = parseRange(file.range, file.size);
  if (range === "unsatisfiable") {
    throw new ApiError("range_not_satisfiable", `The requested range starts past the end of the ${file.size}-byte file`, {
      headers: { "Content-Range": `bytes */${file.size}` },
    });
  }
  const object = await bucket.get(file.key, range === "all" ? {} : { range });
  if (!object) throw notFound(file.label ?? "File");
  const headers = new Headers({
    ...file.headers,
    "Content-Type": file.contentType,
    "Content-Disposition": contentDisposition(file.filename, file.disposition),
    "X-Content-Type-Options": "nosniff",
    "Accept-Ranges": "bytes",
    ETag: object.httpEtag,
  });
  if (range === "all") {
    headers.set("Content-Length", String(object.size));
    return new Response(object.body, { status: 200, headers });
  }
  headers.set("Content-Length", String(range.length));
  headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${file.size}`);
  return new Response(object.body, { status: 206, headers });
}
