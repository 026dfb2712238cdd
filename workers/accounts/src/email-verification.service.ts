import { ApiError } from "@edgeworks/http";
import { and, eq, sql } from "drizzle-orm";
import { revokeApiKeysOf } from "./api-keys.service";
import type { MailDeps, ServiceDeps } from "./deps";
import { claimToken, expireTokensOf, findUsableToken, newOneTimeToken } from "./one-time-tokens";
import { queueEmail } from "./outbox.service";
import { bootstrapAdmin } from "./roles.service";
import { users } from "./schema";
import { revokeSessionsOf } from "./sessions.service";
import { findUser, getUserRowOrThrow, isEmailTaken, toUser } from "./user-row";
import type { User } from "./validation";

const invalidToken = () => new ApiError("bad_request", "The verification token is invalid, expired or already used");
const invalidRevert = () => new ApiError("bad_request", "The revert token is invalid, expired or already used");
const emailTaken = () => new ApiError("conflict", "An account with this email already exists");
/** A stored password no password matches (not the pbkdf2 scheme): the account needs a reset. */
const UNUSABLE_PASSWORD_HASH = "unusable$reverted-email-change";

/** True inside a batch once this request's claim of the token (at `now`) has happened. */
const claimedAt = (tokenHash: string, now: number) =>
  sql`EXISTS (SELECT 1 FROM one_time_tokens WHERE token_hash = ${tokenHash} AND used_at = ${now})`;

/** Queues a new verification email for the caller's current address; 409 when it is already verified. */
export async function requestVerification(deps: MailDeps, userId: string): Promise<void> {
  const { db } = deps;
  const user = await getUserRowOrThrow(db, userId);
  if (user.emailVerifiedAt !== null) throw new ApiError("conflict", "The email address is already verified");
  const now = deps.now();
  const verification = await newOneTimeToken(db, "email_verification", user, now);
  await db.batch([
    verification.insert,
    ...queueEmail(
      db,
      { kind: "email_verification", to: user.email, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
      now,
    ),
  ]);
  deps.sendMail();
}

/**
 * Confirms an address with the token from its email: the account's current address, or the pending
 * new one (which then becomes the account's address). The token must be unused, unexpired and sent
 * to one of those two; claiming it and updating the user happen in one batch, each statement after
 * the claim acting only if the claim won.
 *
 * The first time any address of the account is proven, every credential made before (sessions other
 * than `keepSessionId`, the verifier's own; API keys) ends: whoever registered the address without
 * holding the mailbox must not keep a way in (account pre-hijacking). A verified address listed in
 * ADMIN_EMAILS gets `platform:admin` here (after those credentials ended).
 */
export async function verifyEmail(deps: ServiceDeps, token: string, caller?: { userId: string; sessionId: string }): Promise<User> {
  const { db } = deps;
  const now = deps.now();
  const found = await findUsableToken(db, "email_verification", token, now);
  if (!found) throw invalidToken();
  const user = await findUser(db, found.userId);
  // a link sent to a previous address proves nothing about the current one
  const isCurrent = user?.email === found.email;
  if (!user || (!isCurrent && user.pendingEmail !== found.email)) throw invalidToken();
  const claimed = claimedAt(found.tokenHash, now);
  const update = isCurrent
    ? db
        .update(users)
        .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now })
        .where(and(eq(users.id, user.id), eq(users.email, found.email), sql`changes() = 1`))
    : db
        .update(users)
        .set({ email: found.email, pendingEmail: null, emailVerifiedAt: now, updatedAt: now })
        .where(and(eq(users.id, user.id), eq(users.pendingEmail, found.email), sql`changes() = 1`));
  const firstProof = user.emailVerifiedAt === null;
  const keep = caller?.userId === user.id ? caller.sessionId : undefined;
  try {
    const [claim] = await db.batch([
      claimToken(db, found.tokenHash, now),
      update,
      ...(firstProof ? [revokeSessionsOf(db, user.id, now, { keep, when: claimed }), revokeApiKeysOf(db, user.id, now, claimed)] : []),
    ]);
    if (claim.meta.changes !== 1) throw invalidToken();
  } catch (err) {
    // someone registered the pending address in the meantime
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
  const verified = await getUserRowOrThrow(db, user.id);
  // the address is proven now: if ADMIN_EMAILS lists it, this is the first platform admin
  await bootstrapAdmin(deps, verified);
  return toUser(verified);
}

/**
 * Undoes an email change with the token from the notice sent to the previous address: that address
 * is the account's again (and counts as proven: the notice reached it), a pending change is dropped,
 * and every session, API key and outstanding verification or reset link ends, because whoever asked
 * for the change held a session. The password ends too (whoever changed the email may have set it,
 * with a reset sent to the new address): it is replaced by one nothing matches, and a reset link goes
 * to the restored address in the same batch. Works before and after the new address was verified; once.
 */
export async function revertEmail(deps: MailDeps, token: string): Promise<User> {
  const { db } = deps;
  const now = deps.now();
  const found = await findUsableToken(db, "email_revert", token, now);
  if (!found) throw invalidRevert();
  const user = await findUser(db, found.userId);
  if (!user) throw invalidRevert();
  const claimed = claimedAt(found.tokenHash, now);
  const reset = await newOneTimeToken(db, "password_reset", { id: user.id, email: found.email }, now);
  try {
    const [claim] = await db.batch([
      claimToken(db, found.tokenHash, now),
      db
        .update(users)
        .set({
          email: found.email,
          pendingEmail: null,
          emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`,
          passwordHash: UNUSABLE_PASSWORD_HASH,
          updatedAt: now,
        })
        .where(and(eq(users.id, user.id), sql`changes() = 1`)),
      revokeSessionsOf(db, user.id, now, { when: claimed }),
      revokeApiKeysOf(db, user.id, now, claimed),
      expireTokensOf(db, "email_verification", user.id, now),
      expireTokensOf(db, "password_reset", user.id, now),
      reset.insert,
      ...queueEmail(
        db,
        { kind: "password_reset", to: found.email, token: reset.token, expiresAt: reset.expiresAt, origin: deps.origin },
        now,
      ),
    ]);
    if (claim.meta.changes !== 1) throw invalidRevert();
  } catch (err) {
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
  deps.sendMail();
  return toUser(await getUserRowOrThrow(db, user.id));
}
