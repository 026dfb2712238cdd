import { verifyPassword } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";

/** How recent a login must be to change the email or password without the current password. */
export const REAUTH_WINDOW_MS = 5 * 60_000;
export const REAUTH_REQUIRED =
  "Changing the email or password needs your current password (`currentPassword`) or a login within the last 5 minutes";
export const WRONG_PASSWORD = "The current password is incorrect";

/** What proves that the person holding a session is the account's owner, not someone with a stolen token. */
export interface Proof {
  /** The current password, when the caller sent one: it must be right. */
  currentPassword?: string;
  /** When the caller last logged in (the access token's `auth_time`, or its session's start), epoch ms. */
  authTimeMs?: number;
}

/**
 * Checks a proof for a sensitive change (email, password): the current password when given (wrong is
 * `wrong_password`, even if the login is recent), else a login within {@link REAUTH_WINDOW_MS}.
 * An access token lives 15 minutes and is refreshed without a password, so holding one proves little.
 */
export async function checkProof(
  passwordHash: string,
  proof: Proof,
  now: number,
): Promise<"ok" | "wrong_password" | "reauthentication_required"> {
  if (proof.currentPassword !== undefined) return (await verifyPassword(proof.currentPassword, passwordHash)) ? "ok" : "wrong_password";
  if (proof.authTimeMs !== undefined && now - proof.authTimeMs <= REAUTH_WINDOW_MS) return "ok";
  return "reauthentication_required";
}

/** {@link checkProof} for the HTTP routes: 403 problem unless the proof holds. */
export async function requireProof(passwordHash: string, proof: Proof, now: number): Promise<void> {
  const outcome = await checkProof(passwordHash, proof, now);
  if (outcome === "wrong_password") throw new ApiError("forbidden", WRONG_PASSWORD);
  if (outcome === "reauthentication_required") throw new ApiError("forbidden", REAUTH_REQUIRED);
}

export const ROLE_REAUTH_REQUIRED = "Changing roles needs a login within the last 5 minutes: log in again and retry";

/**
 * For the admin API's role changes (every grant; revoking `platform:admin`): the caller's session must
 * have started (its login, the token's `auth_time`) within {@link REAUTH_WINDOW_MS}, else 403. A stolen
 * admin token, refreshed for as long as its family lives, must not be able to make more admins.
 */
export function requireRecentLogin(authTimeMs: number | undefined, now: number): void {
  if (authTimeMs === undefined || now - authTimeMs > REAUTH_WINDOW_MS) throw new ApiError("forbidden", ROLE_REAUTH_REQUIRED);
}
