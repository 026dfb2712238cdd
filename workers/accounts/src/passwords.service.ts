import { hashPassword } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { and, eq, sql } from "drizzle-orm";
import { revokeApiKeysOf } from "./api-keys.service";
import type { MailDeps, ServiceDeps } from "./deps";
import { claimToken, expireTokensOf, findUsableToken, newOneTimeToken } from "./one-time-tokens";
import { queueEmail } from "./outbox.service";
import { type Proof, requireProof } from "./reauth";
import { users } from "./schema";
import { revokeSessionsOf } from "./sessions.service";
import { findUser, findUserByEmail, getUserRowOrThrow } from "./user-row";

const invalidResetToken = () => new ApiError("bad_request", "The reset token is invalid, expired or already used");

/**
 * Changes the password once the caller has proved who they are: the current password (403 when
 * wrong: the caller is authenticated, the proof is not) or a login within the last 5 minutes
 * (`authTimeMs`). Every other session and every API key end; the caller's own session stays.
 */
export async function changePassword(
  deps: ServiceDeps,
  caller: { userId: string; sessionId?: string; authTimeMs?: number },
  input: { currentPassword?: string; newPassword: string },
): Promise<void> {
  const { db } = deps;
  const user = await getUserRowOrThrow(db, caller.userId);
  await requireProof(
    user.passwordHash,
    { currentPassword: input.currentPassword, authTimeMs: caller.authTimeMs } satisfies Proof,
    deps.now(),
  );
  const passwordHash = await hashPassword(input.newPassword, deps.passwordIterations);
  const now = deps.now();
  await db.batch([
    db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id)),
    revokeSessionsOf(db, user.id, now, { keep: caller.sessionId }),
    revokeApiKeysOf(db, user.id, now),
    expireTokensOf(db, "password_reset", user.id, now),
  ]);
}

/**
 * Queues a password-reset email when the address is an account's address, and does nothing
 * otherwise; the caller answers 202 either way and runs this after the response, so neither the
 * status nor the response time tells whether the account exists. A pending (unverified) new address
 * is not the account's address, so it never receives a reset.
 */
export async function forgotPassword(deps: MailDeps, email: string): Promise<void> {
  const { db } = deps;
  const user = await findUserByEmail(db, email);
  if (!user) return;
  const now = deps.now();
  const reset = await newOneTimeToken(db, "password_reset", user, now);
  await db.batch([
    reset.insert,
    ...queueEmail(db, { kind: "password_reset", to: user.email, token: reset.token, expiresAt: reset.expiresAt, origin: deps.origin }, now),
  ]);
  deps.sendMail();
}

/**
 * Sets a new password with a reset token and ends every session and every API key (whoever made them
 * did not hold the mailbox). One batch: the token is claimed by a conditional UPDATE, and the
 * statements after it only act if that claim won (`changes() = 1`, then the new hash, which is unique
 * thanks to its salt), so a token works once even under concurrency. Receiving the email proves the
 * address, so it also counts as verified.
 */
export async function resetPassword(deps: ServiceDeps, input: { token: string; newPassword: string }): Promise<void> {
  const { db } = deps;
  const now = deps.now();
  const found = await findUsableToken(db, "password_reset", input.token, now);
  if (!found) throw invalidResetToken();
  const user = await findUser(db, found.userId);
  if (!user || user.email !== found.email) throw invalidResetToken();
  const passwordHash = await hashPassword(input.newPassword, deps.passwordIterations);
  const wonClaim = sql`EXISTS (SELECT 1 FROM users WHERE id = ${user.id} AND password_hash = ${passwordHash})`;
  const [claim] = await db.batch([
    claimToken(db, found.tokenHash, now),
    db
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now })
      .where(and(eq(users.id, user.id), sql`changes() = 1`)),
    revokeSessionsOf(db, user.id, now, { when: wonClaim }),
    revokeApiKeysOf(db, user.id, now, wonClaim),
    expireTokensOf(db, "password_reset", user.id, now),
  ]);
  if (claim.meta.changes !== 1) throw invalidResetToken();
}
