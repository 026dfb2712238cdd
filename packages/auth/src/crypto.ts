/** Hex encoding of bytes. */
export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** Base64url (no padding) of bytes. */
export const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    // btoa pads with at most two "=" (a bounded pattern: `/=+$/` is quadratic on a long run of "=")
    .replace(/={1,2}$/, "");

/** Standard base64 of bytes, and back. */
export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** `n` cryptographically random bytes. */
export const randomBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

/** A random URL-safe token with `bytes` bytes of entropy (default 32 = 256 bits). */
export const randomToken = (bytes = 32): string => toBase64Url(randomBytes(bytes));

/** SHA-256 of a UTF-8 string, hex encoded. Used to store tokens and API keys: they are random, so no salt is needed. */
export async function sha256Hex(input: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input)));
}

/**
 * Compares two byte strings in time that depends only on their lengths, so a secret cannot be
 * guessed byte by byte from response times.
 *
 * @example timingSafeEqual(storedHash, computedHash)
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === "string" ? new TextEncoder().encode(a) : a;
  const y = typeof b === "string" ? new TextEncoder().encode(b) : b;
  // workerd ships crypto.subtle.timingSafeEqual (a Cloudflare extension); it requires equal lengths
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (x.byteLength !== y.byteLength) {
    if (subtle.timingSafeEqual) subtle.timingSafeEqual(x, x); // spend comparable time anyway
    return false;
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(x, y);
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}
