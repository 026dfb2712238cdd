import { hashPassword } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { MailDeps, SessionDeps } from "./deps";
import { newOneTimeToken } from "./one-time-tokens";
import { queueEmail } from "./outbox.service";
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
  const passwordHash = await hashPassword(input.password);
  const now = deps.now();
  const user: UserRow = {
    id: nanoid(),
    email: input.email,
    name: input.name ?? null,
    passwordHash,
    emailVerifiedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const session = await startSession(db, user.id, now);
  const verification = await newOneTimeToken(db, "email_verification", user, now);
  try {
    await db.batch([
      db.insert(users).values(user),
      ...session.statements,
      verification.insert,
      queueEmail(
        db,
        { kind: "email_verification", to: user.email, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
        now,
      ),
    ]);
  } catch (err) {
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
  return sessionResponse(deps, user, session.sessionId, session.refreshToken);
}

/** The caller's profile. */
export async function getMe(deps: Pick<MailDeps, "db">, userId: string): Promise<User> {
  return toUser(await getUserRowOrThrow(deps.db, userId));
}

/**
 * Changes the name and/or email. A new email must be free (409), is unverified until its owner
 * confirms it, and gets a verification message queued in the same batch.
 */
export async function updateMe(deps: MailDeps, userId: string, input: UpdateMeInput): Promise<User> {
  const { db } = deps;
  const current = await getUserRowOrThrow(db, userId);
  const now = deps.now();
  const emailChanges = input.email !== undefined && input.email !== current.email;
  const next: UserRow = {
    ...current,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(emailChanges && input.email ? { email: input.email, emailVerifiedAt: null } : {}),
    updatedAt: now,
  };
  const update = db
    .update(users)
    .set({ name: next.name, email: next.email, emailVerifiedAt: next.emailVerifiedAt, updatedAt: now })
    .where(eq(users.id, userId));
  try {
    if (!emailChanges) {
      await update;
    } else {
      if (await findUserByEmail(db, next.email)) throw emailTaken();
      const verification = await newOneTimeToken(db, "email_verification", next, now);
      await db.batch([
        update,
        verification.insert,
        queueEmail(
          db,
          { kind: "email_verification", to: next.email, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
          now,
        ),
      ]);
    }
  } catch (err) {
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
  return toUser(next);
}
