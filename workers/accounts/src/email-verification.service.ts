import { sha256Hex } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { and, eq, sql } from "drizzle-orm";
import type { MailDeps, ServiceDeps } from "./deps";
import { claimToken, findUsableToken, newOneTimeToken } from "./one-time-tokens";
import { queueEmail } from "./outbox.service";
import { users } from "./schema";
import { findUser, getUserRowOrThrow, toUser } from "./user-row";
import type { User } from "./validation";

const invalidToken = () => new ApiError("bad_request", "The verification token is invalid, expired or already used");

/** Queues a new verification email for the caller's current address; 409 when it is already verified. */
export async function requestVerification(deps: MailDeps, userId: string): Promise<void> {
  const { db } = deps;
  const user = await getUserRowOrThrow(db, userId);
  if (user.emailVerifiedAt !== null) throw new ApiError("conflict", "The email address is already verified");
  const now = deps.now();
  const verification = await newOneTimeToken(db, "email_verification", user, now);
  await db.batch([
    verification.insert,
    queueEmail(
      db,
      { kind: "email_verification", to: user.email, token: verification.token, expiresAt: verification.expiresAt, origin: deps.origin },
      now,
    ),
  ]);
}

/**
 * Confirms an address with the token from its email. The token must be unused, unexpired and sent to
 * the account's current address; claiming it and marking the user verified happen in one batch, the
 * second statement only if the claim changed a row.
 */
export async function verifyEmail(deps: ServiceDeps, token: string): Promise<User> {
  const { db } = deps;
  const now = deps.now();
  const found = await findUsableToken(db, "email_verification", token, now);
  if (!found) throw invalidToken();
  const user = await findUser(db, found.userId);
  // a link sent to a previous address proves nothing about the current one
  if (!user || user.email !== found.email) throw invalidToken();
  const [claim] = await db.batch([
    claimToken(db, await sha256Hex(token), now),
    db
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now })
      .where(and(eq(users.id, user.id), eq(users.email, found.email), sql`changes() = 1`)),
  ]);
  if (claim.meta.changes !== 1) throw invalidToken();
  return toUser(await getUserRowOrThrow(db, user.id));
}
