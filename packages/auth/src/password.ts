import { fromBase64, randomBytes, timingSafeEqual, toBase64 } from "./crypto";

/** PBKDF2 parameters. 100,000 iterations is the maximum workerd's WebCrypto allows. */
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;
const SCHEME = "pbkdf2-sha256";

async function derive(password: string, salt: Uint8Array, iterations: number, bits: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, bits));
}

/**
 * Hashes a password as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`: the parameters travel
 * with the hash so they can be raised later without breaking existing users.
 *
 * @example const stored = await hashPassword("correct horse battery staple");
 */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, iterations, KEY_BITS);
  return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/**
 * Checks a password against a stored hash in constant time. A malformed stored hash never matches.
 *
 * @example if (!(await verifyPassword(input, user.passwordHash))) throw new ApiError("unauthorized");
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (scheme !== SCHEME || !salt || !hash || !Number.isInteger(iterations) || iterations < 1 || iterations > PASSWORD_ITERATIONS)
    return false;
  const expected = fromBase64(hash);
  const actual = await derive(password, fromBase64(salt), iterations, expected.byteLength * 8);
  return timingSafeEqual(actual, expected);
}

/** True when a stored hash uses weaker parameters than today's and should be replaced on next login. */
export function needsRehash(stored: string): boolean {
  const [scheme, iter] = stored.split("$");
  return scheme !== SCHEME || Number(iter) < PASSWORD_ITERATIONS;
}

/**
 * A precomputed hash to verify against when the user does not exist, so that a login for an unknown
 * email costs the same time as one with a wrong password (no account enumeration by timing).
 */
export const DUMMY_PASSWORD_HASH = `${SCHEME}$${PASSWORD_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
