import { randomToken, sha256Hex } from "@edgeworks/auth";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "./deps";
import { type OneTimeTokenKind, oneTimeTokens } from "./schema";

/** How long emailed tokens stay valid: a verification link a day, a password reset an hour, an email-change revert a week. */
export const ONE_TIME_TOKEN_TTL_MS: Record<OneTimeTokenKind, number> = {
  email_verification: 24 * 60 * 60_000,
  password_reset: 60 * 60_000,
  email_revert: 7 * 24 * 60 * 60_000,
};

/**
 * A new single-use token for `email`: the raw token (for the email only) and the insert that stores its hash.
 *
 * @example const { token, expiresAt, insert } = await newOneTimeToken(db, "password_reset", user, now);
 */
export async function newOneTimeToken(db: Db, kind: OneTimeTokenKind, user: { id: string; email: string }, now: number) {
  const token = randomToken();
  const expiresAt = now + ONE_TIME_TOKEN_TTL_MS[kind];
  const insert = db.insert(oneTimeTokens).values({
    tokenHash: await sha256Hex(token),
    kind,
    userId: user.id,
    email: user.email,
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt, insert };
}

/** The stored token if it is of this kind, unused and unexpired; else undefined. */
export async function findUsableToken(db: Db, kind: OneTimeTokenKind, token: string, now: number) {
  return db
    .select()
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.tokenHash, await sha256Hex(token)),
        eq(oneTimeTokens.kind, kind),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    )
    .get();
}

/**
 * Marks a token used, only if it still is usable: the one conditional statement that makes tokens
 * single-use under concurrency. Statements after it in the same batch check `changes() = 1`.
 */
export function claimToken(db: Db, tokenHash: string, now: number) {
  return db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.tokenHash, tokenHash), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now)));
}

/** Invalidates every outstanding token of a kind for a user (a reset makes older reset links useless). */
export function expireTokensOf(db: Db, kind: OneTimeTokenKind, userId: string, now: number) {
  return db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.userId, userId), eq(oneTimeTokens.kind, kind), isNull(oneTimeTokens.usedAt)));
}
