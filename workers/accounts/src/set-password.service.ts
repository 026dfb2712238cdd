import { hashPassword, type SetPasswordProof, type SetPasswordResult } from "@edgeworks/auth";
import { eq } from "drizzle-orm";
import { revokeApiKeysOf } from "./api-keys.service";
import type { ServiceDeps } from "./deps";
import { passwordField } from "./fields";
import { expireTokensOf } from "./one-time-tokens";
import { checkProof, REAUTH_REQUIRED, WRONG_PASSWORD } from "./reauth";
import { users } from "./schema";
import { liveSessionStart, revokeSessionsOf } from "./sessions.service";
import { findUser } from "./user-row";
import { PASSWORD_MAX, PASSWORD_MIN } from "./validation";

export type { SetPasswordProof, SetPasswordResult };

/** The same rule as registration and `POST /password`: 8..256 characters, kept as typed, no NUL, valid Unicode. */
const newPassword = passwordField(PASSWORD_MIN, PASSWORD_MAX);

/**
 * Sets a password for a trusted product that has authenticated the user itself (RealWorld's
 * `PUT /user` sends only the new password). Like `POST /password`, it needs a proof: the current
 * password, or a kept session (`keepSessionId`) that started within the last 5 minutes; accounts reads
 * the session's start from its own table, so a caller cannot claim a fresher login than it has
 * (`proof.authTime`, the caller's token's `auth_time`, is checked too and can only refuse). Sessions
 * end as with `POST /password`: every other session and every API key are revoked and `keepSessionId`
 * stays; without one, every session ends. A `keepSessionId` that is not a live session of the user is
 * refused, as accounts refuses the access token of a logged-out session.
 */
export async function setPassword(
  deps: ServiceDeps,
  input: { userId: string; newPassword: string; keepSessionId?: string; proof: SetPasswordProof },
): Promise<SetPasswordResult> {
  const { db } = deps;
  const checked = newPassword.safeParse(input.newPassword);
  if (!checked.success) {
    return { ok: false, reason: "invalid_password", message: checked.error.issues[0]?.message ?? "Must be a valid password" };
  }
  const user = await findUser(db, input.userId);
  if (!user) return { ok: false, reason: "not_found", message: "The account does not exist" };
  const startedAt = input.keepSessionId === undefined ? undefined : await liveSessionStart(db, user.id, input.keepSessionId);
  if (input.keepSessionId !== undefined && startedAt === undefined) {
    return { ok: false, reason: "session_revoked", message: "The session has ended; log in again" };
  }
  const claimed = input.proof.authTime === undefined ? undefined : input.proof.authTime * 1000;
  const authTimeMs = startedAt === undefined ? undefined : Math.min(startedAt, claimed ?? startedAt);
  const outcome = await checkProof(user.passwordHash, { currentPassword: input.proof.currentPassword, authTimeMs }, deps.now());
  if (outcome === "wrong_password") return { ok: false, reason: "wrong_password", message: WRONG_PASSWORD };
  if (outcome === "reauthentication_required") return { ok: false, reason: "reauthentication_required", message: REAUTH_REQUIRED };
  const passwordHash = await hashPassword(checked.data, deps.passwordIterations);
  const now = deps.now();
  await db.batch([
    db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id)),
    revokeSessionsOf(db, user.id, now, { keep: input.keepSessionId }),
    revokeApiKeysOf(db, user.id, now),
    expireTokensOf(db, "password_reset", user.id, now),
  ]);
  return { ok: true };
}
