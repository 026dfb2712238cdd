import { fromBase64, randomBytes, timingSafeEqual, toBase64 } from "./crypto";

/**
 * The default PBKDF2 iteration count (~12 ms of CPU in local workerd on a Xeon core). Workers set their
 * own with the `PASSWORD_PBKDF2_ITERATIONS` var, read by {@link passwordIterations}.
 */
export const PASSWORD_ITERATIONS = 100_000;
/** The range a configured (or stored) iteration count must fall in; a stored hash outside it never matches. */
export const MIN_PASSWORD_ITERATIONS = 1_000;
export const MAX_PASSWORD_ITERATIONS = 10_000_000;
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
  let used = iterations;
  let hash: Uint8Array;
  try {
    hash = await derive(password, salt, iterations, KEY_BITS);
  } catch (err) {
    // Cloudflare's runtime has refused PBKDF2 above 100,000 iterations (workerd#1346; it checks before
    // deriving, so the refusal is cheap): a count raised past what the plan allows must not turn every
    // registration and password change into a 500, so the hash falls back to the default count, and a
    // later login tries the configured count again (needsRehash).
    if (iterations <= PASSWORD_ITERATIONS) throw err;
    console.error(JSON.stringify({ level: "error", msg: "PBKDF2 refused the configured iteration count", iterations, error: String(err) }));
    used = PASSWORD_ITERATIONS;
    hash = await derive(password, salt, used, KEY_BITS);
  }
  return `${SCHEME}$${used}$${toBase64(salt)}$${toBase64(hash)}`;
}

/**
 * Checks a password against a stored hash in constant time. A malformed stored hash never matches.
 *
 * @example if (!(await verifyPassword(input, user.passwordHash))) throw new ApiError("unauthorized");
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (scheme !== SCHEME || !salt || !hash || !Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PASSWORD_ITERATIONS)
    return false;
  const expected = fromBase64(hash);
  const actual = await derive(password, fromBase64(salt), iterations, expected.byteLength * 8);
  return timingSafeEqual(actual, expected);
}

/**
 * True when a stored hash was made with other parameters than the configured ones (another scheme or
 * iteration count, higher or lower) and should be replaced on the next successful login.
 *
 * @example if (needsRehash(user.passwordHash, deps.passwordIterations)) statements.push(updateHash);
 */
export function needsRehash(stored: string, iterations = PASSWORD_ITERATIONS): boolean {
  const [scheme, iter] = stored.split("$");
  return scheme !== SCHEME || Number(iter) !== iterations;
}

/**
 * The iteration count from a Worker's `PASSWORD_PBKDF2_ITERATIONS` var: an integer in
 * [{@link MIN_PASSWORD_ITERATIONS}, {@link MAX_PASSWORD_ITERATIONS}], or {@link PASSWORD_ITERATIONS}
 * when unset or empty. Anything else throws, so a typo in the config fails loudly instead of
 * quietly weakening every new hash.
 *
 * @example const iterations = passwordIterations(env.PASSWORD_PBKDF2_ITERATIONS); // 100000 when ""
 */
export function passwordIterations(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return PASSWORD_ITERATIONS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_PASSWORD_ITERATIONS || n > MAX_PASSWORD_ITERATIONS) {
    throw new Error(
      `PASSWORD_PBKDF2_ITERATIONS must be an integer from ${MIN_PASSWORD_ITERATIONS} to ${MAX_PASSWORD_ITERATIONS}, not ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * A hash to verify against when the user does not exist, so that a login for an unknown email costs
 * the same time as one with a wrong password (no account enumeration by timing).
 *
 * @example await verifyPassword(input.password, user?.passwordHash ?? dummyPasswordHash(iterations));
 */
export const dummyPasswordHash = (iterations = PASSWORD_ITERATIONS): string =>
  `${SCHEME}$${iterations}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

/** {@link dummyPasswordHash} at the default iteration count. */
export const DUMMY_PASSWORD_HASH = dummyPasswordHash();
