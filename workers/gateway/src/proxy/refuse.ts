// Refusals before anything else runs (no snapshot read, no plugin): a request the proxy will not even route.
// The runtime's URL parser has already resolved plain and %2e-spelled dot segments (`/gw/ws/../admin` arrives
// as `/gw/admin`, which is then just another workspace slug), so what is left to catch is what survives it:
// encoded separators (`..%2f`, `%5c`), double-encoded dots (`%252e%252e`), NUL, empty segments (`//`).

import type { ErrorCode } from "@edgeworks/http";

/** Longest URL accepted (400 beyond; there is no 414 problem code). */
export const MAX_URL_LENGTH = 8192;
/** One header's name + value, and all of them together (431 beyond). */
export const MAX_HEADER_BYTES = 8192;
export const MAX_HEADERS_BYTES = 32 * 1024;

export interface Refusal {
  code: ErrorCode;
  detail: string;
}

/** Percent-decodes up to twice (a double-encoded `%252e` becomes `.`); null when the escapes are malformed. */
function decoded(segment: string): string | null {
  let value = segment;
  for (let i = 0; i < 2 && value.includes("%"); i++) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return value;
}

/** A slash, a backslash, a C0 control character (NUL, CR, LF…) or DEL. */
function hasSeparatorOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2f || c === 0x5c || c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Why the path under the workspace (`/…`, raw as in the URL) is refused, or null. Each segment is judged as
 * the upstream might decode it: `.`/`..`, a `/` or `\`, NUL or a control character, malformed escapes, and
 * empty segments (`//`) are refused (a trailing `/` is fine).
 *
 * @example pathProblem("/v1/..%2fadmin") // "The path must not contain . or .. segments, encoded separators or control characters"
 */
export function pathProblem(path: string): string | null {
  if (path.includes("\\")) return "The path must not contain a backslash";
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment === "") {
      if (i === segments.length - 1) continue;
      return "The path must not contain empty segments (//)";
    }
    if (!segment.includes("%") && segment !== "." && segment !== "..") continue;
    const value = decoded(segment);
    if (value === null) return "The path has a malformed percent-escape";
    // control characters (NUL, CR, LF…) and separators hidden in an escape, or a dot segment in any spelling
    if (value === "." || value === ".." || hasSeparatorOrControl(value))
      return "The path must not contain . or .. segments, encoded separators or control characters";
  }
  return null;
}

/**
 * Why the request is refused before routing, or null: an over-long URL (400), a header over 8 KiB or headers
 * over 32 KiB in all (431).
 *
 * @example const refusal = requestProblem(request); if (refusal) return problem(refusal.code, refusal.detail);
 */
export function requestProblem(request: Request): Refusal | null {
  if (request.url.length > MAX_URL_LENGTH) return { code: "bad_request", detail: `The URL is longer than ${MAX_URL_LENGTH} characters` };
  let total = 0;
  for (const [name, value] of request.headers) {
    const size = name.length + value.length + 4;
    if (size > MAX_HEADER_BYTES) return { code: "headers_too_large", detail: `The header ${name.slice(0, 64)} is larger than 8 KiB` };
    total += size;
  }
  if (total > MAX_HEADERS_BYTES) return { code: "headers_too_large", detail: "The request headers are larger than 32 KiB in all" };
  return null;
}
