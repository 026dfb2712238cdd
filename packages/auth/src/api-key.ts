import { randomToken, sha256Hex } from "./crypto";

/** Every API key starts with this, so leaked keys are easy to spot by secret scanners. */
export const API_KEY_PREFIX = "ewk_";

export interface GeneratedApiKey {
  /** The whole key: shown to the user once, never stored. */
  key: string;
  /** The visible, non-secret part used to look the key up and to show it in lists (`ewk_AbCd1234`). */
  prefix: string;
  /** SHA-256 of the whole key, the only thing stored. */
  hash: string;
}

/**
 * Makes a new API key: `ewk_<8-char lookup id>_<43-char secret>`.
 *
 * @example const { key, prefix, hash } = await generateApiKey();
 */
export async function generateApiKey(): Promise<GeneratedApiKey> {
  const id = randomToken(6);
  const key = `${API_KEY_PREFIX}${id}_${randomToken(32)}`;
  return { key, prefix: `${API_KEY_PREFIX}${id}`, hash: await hashApiKey(key) };
}

/** The lookup prefix of a presented key, or null when it is not shaped like one of ours. */
export function apiKeyPrefix(key: string): string | null {
  const m = /^(ewk_[A-Za-z0-9_-]{8})_[A-Za-z0-9_-]{43}$/.exec(key);
  return m?.[1] ?? null;
}

/** SHA-256 of an API key, hex. */
export const hashApiKey = (key: string): Promise<string> => sha256Hex(key);
