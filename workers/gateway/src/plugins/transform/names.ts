import { z } from "zod";

// RFC 9110 §5.6.2 token: what a field name may be. One character class, so matching is linear.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * True when a header value carries what it never may: CR or LF (response splitting, header injection), NUL
 * and the other controls except HTAB (RFC 9110 §5.5), or DEL.
 *
 * @example unsafeHeaderValue("a\r\nSet-Cookie: x") // true
 */
export function unsafeHeaderValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Fields a transform may not write, rename or drop: framing and connection management belong to the
 * runtime and the proxy (a forged Content-Length or Transfer-Encoding is request smuggling; Host routes).
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "content-length",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * A header name a transform (or the cache's vary list) may name: an RFC 9110 token, ≤ 128 characters,
 * lower-cased on output so `Authorization` and `authorization` are the same name.
 *
 * @example headerName.parse("X-Api-Version") // "x-api-version"
 */
export const headerName = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.length <= 128 && TOKEN.test(s), "must be an RFC 9110 token (letters, digits and !#$%&'*+.^_`|~-)")
  .transform((s) => s.toLowerCase());

/** A header name a transform writes: a token that is not one of {@link RESERVED_HEADERS}. */
export const writableHeaderName = headerName.refine((s) => !RESERVED_HEADERS.has(s), "is managed by the gateway and cannot be changed");

/**
 * A header value: ≤ 4096 characters, no CR, LF, NUL or other control character (HTAB allowed).
 *
 * @example headerValue.safeParse("a\r\nSet-Cookie: x").success // false
 */
export const headerValue = z
  .string()
  .max(4096)
  .refine((s) => s.length <= 4096 && !unsafeHeaderValue(s), "must not contain CR, LF, NUL or other control characters");
