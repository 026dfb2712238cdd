import { hashPassword } from "@edgeworks/auth";
import { eq } from "drizzle-orm";
import type { ServiceDeps } from "./deps";
import { passwordField } from "./fields";
import { expireTokensOf } from "./one-time-tokens";
import { users } from "./schema";
import { isSessionLive, revokeSessionsOf } from "./sessions.service";
import { findUser } from "./user-row";
import { PASSWORD_MAX, PASSWORD_MIN } from "./validation";

/** The outcome of `setPassword`: expected failures are values, not exceptions, so RPC callers can map them. */
export type SetPasswordResult = { ok: true } | { ok: false; reason: "invalid_password" | "not_found" | "session_revoked"; message: string };

/** The same rule as registration and `POST /password`: 8..256 characters, kept as typed, no NUL, valid Unicode. */
const newPassword = passwordField(PASSWORD_MIN, PASSWORD_MAX);

/**
 * Sets a password without the current one, for a trusted product that has authenticated the user
 * itself (RealWorld's `PUT /user` sends only the new password). Sessions end as with `POST /password`:
 * every other session is revoked and `keepSessionId` (the caller's) stays; without one, every
 * session ends. A `keepSessionId` that is not a live session of the user is refused, as accounts
 * refuses the access token of a logged-out session, so a token that outlived its logout cannot take
 * over the account.
 */
export async function setPassword(
  deps: ServiceDeps,
  input: { userId: string; newPassword: string; keepSessionId?: string },
): Promise<SetPasswordResult> {
  const { db } = deps;
  const checked = newPassword.safeParse(input.newPassword);
  if (!checked.success) {
    return { ok: false, reason: "invalid_password", message: checked.error.issues[0]?.message ?? "Must be a valid password" };
  }
  const user = await findUser(db, input.userId);
  if (!user) return { ok: false, reason: "not_found", message: "The account does not exist" };
  if (input.keepSessionId !== undefined && !(await isSessionLive(db, user.id, input.keepSessionId))) {
    return { ok: false, reason: "session_revoked", message: "The session has ended; log in again" };
  }
  const passwordHash = await hashPassword(checked.data);
  const now = deps.now();
  await db.batch([
    db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id)),
    revokeSessionsOf(db, user.id, now, { keep: input.keepSessionId }),
    expireTokensOf(db, "password_reset", user.id, now),
  ]);
  return { ok: true };
}
