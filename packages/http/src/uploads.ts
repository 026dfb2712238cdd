import { ApiError } from "./errors";
import { BINARY_TYPES, isUtf8Text, mediaTypeOf, sniffBinaryType } from "./files";

/** What a product accepts for one kind of upload (attachments, avatars). */
export interface UploadPolicy<T extends string = string> {
  /** Accepted media types (lower-case, no parameters); anything else is 415. Never `text/html` or `image/svg+xml`: they carry script. */
  types: readonly T[];
  /** The largest upload in bytes; larger is 413. */
  maxBytes: number;
  /** Names the upload in details, e.g. "Attachments" (default "Files"). */
  label?: string;
  /** Where the body is in the request, for the empty-file 422: `""` for a raw body (default), `"file"` for a multipart field. */
  field?: string;
  /**
   * The answer when the bytes are not the declared type (default 415 `unsupported_media_type`: the content is
   * in a format the route does not take); chat answers 422 on the Content-Type header, as it documented first.
   */
  mismatch?: "unsupported_media_type" | "validation_failed";
}

const BINARY = new Set<string>(BINARY_TYPES);
const isAccepted = <T extends string>(policy: UploadPolicy<T>, type: string): type is T =>
  (policy.types as readonly string[]).includes(type);
/** Types whose bytes must be UTF-8 text without NUL. */
const isTextType = (type: string) => type.startsWith("text/") || type === "application/json";

/**
 * Whether the bytes really are `type`: a recognised binary type by its magic number (never by the label),
 * text types as UTF-8 without NUL; `application/octet-stream` (no claim) matches anything, any other type nothing.
 *
 * @example bytesMatchType(new TextEncoder().encode("<svg/>"), "image/png") // false
 */
export function bytesMatchType(bytes: Uint8Array, type: string): boolean {
  if (BINARY.has(type)) return sniffBinaryType(bytes) === type;
  if (isTextType(type)) return isUtf8Text(bytes);
  return type === "application/octet-stream";
}

/**
 * The declared media type if the policy accepts it (parameters dropped, lower-cased), else 415.
 *
 * @example const type = acceptedUploadType(AVATARS, c.req.header("Content-Type"));
 */
export function acceptedUploadType<T extends string>(policy: UploadPolicy<T>, declared: string | null | undefined): T {
  const type = mediaTypeOf(declared);
  if (!isAccepted(policy, type)) {
    throw new ApiError("unsupported_media_type", `${policy.label ?? "Files"} may be ${policy.types.join(", ")}`);
  }
  return type;
}

/**
 * 422 for an empty upload, 413 past the policy's size.
 *
 * @example checkUploadSize(ATTACHMENTS, file.size);
 */
export function checkUploadSize(policy: Pick<UploadPolicy, "maxBytes" | "label" | "field">, byteLength: number): void {
  if (byteLength === 0) {
    throw new ApiError("validation_failed", "The file is empty", {
      errors: [{ path: policy.field ?? "", location: "body", message: "Must not be empty" }],
    });
  }
  if (byteLength > policy.maxBytes) {
    throw new ApiError("payload_too_large", `${policy.label ?? "Files"} may be at most ${policy.maxBytes} bytes`);
  }
}

/**
 * The whole upload policy for a raw body: the declared type must be accepted (415), the body neither empty
 * (422) nor too large (413), and the bytes must be what the type says (sniffed; see {@link bytesMatchType}).
 * Answers the media type to store and serve the file with.
 *
 * @example
 * const ATTACHMENTS: UploadPolicy = { types: ["image/png", "text/plain"], maxBytes: 5 << 20, label: "Attachments" };
 * const type = checkUpload(ATTACHMENTS, c.req.header("Content-Type"), bytes);
 */
export function checkUpload<T extends string>(policy: UploadPolicy<T>, declared: string | null | undefined, bytes: Uint8Array): T {
  const type = acceptedUploadType(policy, declared);
  checkUploadSize(policy, bytes.byteLength);
  if (bytesMatchType(bytes, type)) return type;
  if (policy.mismatch === "validation_failed") {
    throw new ApiError("validation_failed", "The content does not match its type", {
      errors: [{ path: "content-type", location: "header", message: `The bytes are not ${type}` }],
    });
  }
  throw new ApiError("unsupported_media_type", `The body is not ${type}`);
}

/**
 * The per-owner storage quota: 413 when `adding` more bytes would take the owner past `limitBytes`
 * (`usedBytes` is what the product's table says they store now).
 *
 * @example checkQuota({ usedBytes: await bytesStoredBy(db, userId), adding: bytes.byteLength, limitBytes: 100 << 20 });
 */
export function checkQuota({ usedBytes, adding, limitBytes }: { usedBytes: number; adding: number; limitBytes: number }): void {
  if (usedBytes + adding > limitBytes) {
    throw new ApiError("payload_too_large", `This upload would exceed the storage quota of ${limitBytes} bytes`, {
      extensions: { usedBytes, limitBytes },
    });
  }
}
