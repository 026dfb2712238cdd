// Where a request's credentials are and what they hash to. The key itself is never stored, logged or put
// in a message: only its SHA-256, which is what the snapshot holds (keyHashes).
import type { ProxyContext } from "../../contract";

/** The gateway's API keys: `ewg_` and 32 base62 characters. */
export const KEY_PREFIX = "ewg_";

/**
 * SHA-256 of `text`, lower-case hex (the form of `Snapshot.keyHashes`).
 *
 * @example await sha256Hex("ewg_…") // "9f86d0…"
 */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What the request presented. */
export interface Presented {
  /** An API key (from the key header, `Authorization: Bearer ewg_…` or the key query parameter). */
  key: string | null;
  /** A bearer token that is not an API key (a JWT). */
  bearer: string | null;
}

/**
 * The credentials in the request: an API key and/or a bearer JWT. A value over 8 KiB is ignored (the
 * proxy caps headers anyway), so nothing unbounded is hashed or parsed.
 *
 * @example presentedCredentials(request, query, { keyHeader: "apikey", keyQuery: null })
 */
export function presentedCredentials(
  request: Request,
  query: URLSearchParams,
  options: { keyHeader: string; keyQuery: string | null },
): Presented {
  const bounded = (v: string | null | undefined) => (v && v.length <= 8192 ? v.trim() : null);
  const authorization = bounded(request.headers.get("authorization"));
  const bearer = authorization && /^bearer /i.test(authorization.slice(0, 7)) ? authorization.slice(7).trim() : null;
  const key =
    bounded(request.headers.get(options.keyHeader)) ||
    (bearer?.startsWith(KEY_PREFIX) ? bearer : null) ||
    (options.keyQuery ? bounded(query.get(options.keyQuery)) : null);
  return { key: key || null, bearer: bearer && !bearer.startsWith(KEY_PREFIX) ? bearer : null };
}

const keyHashes = new WeakMap<ProxyContext, string>();

/** Remembers the hash of the key this request was let in with (for `rate-limit` keyed by key). */
export function rememberKeyHash(ctx: ProxyContext, hash: string): void {
  keyHashes.set(ctx, hash);
}

/**
 * SHA-256 of the API key `auth` accepted for this request, or null (no key, or JWT).
 *
 * @example const bucket = presentedKeyHash(ctx) ?? ctx.clientIp;
 */
export function presentedKeyHash(ctx: ProxyContext): string | null {
  return keyHashes.get(ctx) ?? null;
}
