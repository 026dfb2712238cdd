import { hashPassword } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { MailDeps, SessionDeps } from "./deps";
import { expireTokensOf, newOneTimeToken } from "./one-time-tokens";
import { queueEmail } from "./outbox.service";
import { requireProof } from "./reauth";
import { type UserRow, users } from "./schema";
import { sessionResponse, startSession } from "./sessions.service";
import { findUserByEmail, getUserRowOrThrow, isEmailTaken, toUser } from "./user-row";
import type { Session, UpdateMeInput, User } from "./validation";

const emailTaken = () => new ApiError("conflict", "An account with this email already exists");

/**
 * Creates an account and its first session in one batch, and queues the email-verification message
 * in the same batch. A duplicate email (compared normalised) is 409, also when two registrations race:
 * the unique index refuses the second batch as a whole.
 */
export async function register(deps: SessionDeps & MailDeps, input: { email: string; password: string; name?: string }): Promise<Session> {
  const { db } = deps;
  // checked first so that a duplicate does not cost a password hash; the unique index is what guarantees it
  if (await findUserByEmail(db, input.email)) throw emailTaken();
  const passwordHash = await hashPassword(input.password, deps.passwordIterations);
  const now = deps.now();
  const user: UserRow = {
    id: nanoid(),
    email: input.email,
    name: input.name ?? null,
    passwordHash,
    emailVerifiedAt: null,
    createdAt: now,
    updatedAt: now,
    pendingEmail: null,
  };
  const session = await startSession(db, user.id, now);
  const verification = await newOneTimeToken(db, "email_verification", user, now);
  try {
    await db.batch([
      db.insert(users).values(user),
      ...session.statements,
      verification.insert,
      ...queueEmail(
        db,
        { kind: "email_verification", to: user.email, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
        now,
      ),
    ]);
  } catch (err) {
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
  deps.sendMail();
  // a new account is unverified and has no roles: ADMIN_EMAILS waits for the address to be proven
  return sessionResponse(deps, user, { id: session.sessionId, startedAt: now }, session.refreshToken, []);
}

/** The caller's profile. */
export async function getMe(deps: Pick<MailDeps, "db">, userId: string): Promise<User> {
  return toUser(await getUserRowOrThrow(deps.db, userId));
}

/**
 * Changes the name and/or asks for a new email. A new email needs a proof (the current password, or
 * a login within the last 5 minutes: 403 otherwise) and must be free (409). It stays pending, and is
 * neither the login nor the reset address, until its owner follows the verification link sent to
 * it; the current address is told, with a link that undoes the change (`POST /email/revert`). Asking
 * for the current address again cancels a pending change. One batch: profile, tokens and emails.
 */
export async function updateMe(deps: MailDeps, caller: { userId: string; authTimeMs?: number }, input: UpdateMeInput): Promise<User> {
  const { db } = deps;
  const current = await getUserRowOrThrow(db, caller.userId);
  const now = deps.now();
  const wanted = input.email;
  const emailChanges = wanted !== undefined && wanted !== current.email;
  if (emailChanges)
    await requireProof(current.passwordHash, { currentPassword: input.currentPassword, authTimeMs: caller.authTimeMs }, now);
  const next: UserRow = {
    ...current,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(wanted !== undefined ? { pendingEmail: emailChanges ? wanted : null } : {}),
    updatedAt: now,
  };
  const update = db.update(users).set({ name: next.name, pendingEmail: next.pendingEmail, updatedAt: now }).where(eq(users.id, current.id));
  if (!emailChanges || !wanted) {
    await update;
    return toUser(next);
  }
  if (await findUserByEmail(db, wanted)) throw emailTaken();
  const verification = await newOneTimeToken(db, "email_verification", { id: current.id, email: wanted }, now);
  const revert = await newOneTimeToken(db, "email_revert", current, now);
  await db.batch([
    update,
    // links sent to an earlier pending address stop working
    expireTokensOf(db, "email_verification", current.id, now),
    verification.insert,
    revert.insert,
    ...queueEmail(
      db,
      { kind: "email_verification", to: wanted, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
      now,
    ),
    ...queueEmail(
      db,
      {
        kind: "email_change_notice",
        to: current.email,
        token: revert.token,
        expiresAt: revert.expiresAt,
        origin: deps.origin,
        newEmail: wanted,
      },
      now,
    ),
  ]);
  deps.sendMail();
  return toUser(next);
}
