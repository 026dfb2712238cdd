import { dummyPasswordHash, hashPassword, needsRehash, randomToken, sha256Hex, verifyPassword } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { and, eq, gt, isNull, ne, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { accessTokenTtl, signAccessToken } from "./access-token";
import type { Db, SessionDeps } from "./deps";
import { rolesForToken } from "./roles.service";
import { refreshTokens, sessions, type UserRow, users } from "./schema";
import { findUser, findUserByEmail, toUser } from "./user-row";
import type { Session } from "./validation";

/** Refresh tokens are valid 30 days from issue; each refresh issues a new one (sliding sessions). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;

/** One message for an unknown email and a wrong password alike: no account enumeration. */
export const INVALID_CREDENTIALS = "The email or password is incorrect";
const INVALID_REFRESH = "The refresh token is invalid, expired or revoked";

/**
 * A new session (refresh-token family) for a user: its id, its first refresh token, and the inserts
 * to put in the caller's batch.
 */
export async function startSession(db: Db, userId: string, now: number) {
  const sessionId = nanoid();
  const refreshToken = randomToken();
  const statements = [
    db.insert(sessions).values({ id: sessionId, userId, createdAt: now }),
    db.insert(refreshTokens).values({
      tokenHash: await sha256Hex(refreshToken),
      sessionId,
      userId,
      createdAt: now,
      expiresAt: now + REFRESH_TOKEN_TTL_MS,
    }),
  ] as const;
  return { sessionId, refreshToken, statements };
}

/**
 * The session response: the user, a fresh access token for the session, and its refresh token.
 * `startedAt` is when the session started (its login), the token's `auth_time`. The token's `roles`
 * are read from the database now (after the ADMIN_EMAILS bootstrap), so a grant or revoke shows at
 * the next login or refresh; a token with roles lives 5 minutes instead of 15. `knownRoles` skips
 * the read where the answer is certain (a brand-new, unverified account has none).
 */
export async function sessionResponse(
  deps: SessionDeps,
  user: UserRow,
  session: { id: string; startedAt: number },
  refreshToken: string,
  knownRoles?: readonly string[],
): Promise<Session> {
  const roles = knownRoles ?? (await rolesForToken(deps, user));
  const accessToken = await signAccessToken(
    deps.tokens,
    { userId: user.id, sessionId: session.id, authTimeMs: session.startedAt, roles },
    deps.now(),
  );
  return { user: toUser(user), accessToken, refreshToken, expiresIn: accessTokenTtl(roles) };
}

/**
 * Checks an email and password and starts a session. An unknown email is verified against a dummy
 * hash, so both failures take the same time and give the same 401. A hash with old parameters is
 * upgraded in the same batch.
 */
export async function login(deps: SessionDeps, input: { email: string; password: string }): Promise<Session> {
  const { db } = deps;
  const user = await findUserByEmail(db, input.email);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? dummyPasswordHash(deps.passwordIterations));
  if (!user || !ok) throw new ApiError("unauthorized", INVALID_CREDENTIALS);
  const now = deps.now();
  const { sessionId, refreshToken, statements } = await startSession(db, user.id, now);
  // the configured cost changed (raised on a paid plan, or lowered): this is the one moment we know the password
  const rehash = needsRehash(user.passwordHash, deps.passwordIterations)
    ? [
        db
          .update(users)
          .set({ passwordHash: await hashPassword(input.password, deps.passwordIterations), updatedAt: now })
          .where(eq(users.id, user.id)),
      ]
    : [];
  await db.batch([...statements, ...rehash]);
  return sessionResponse(deps, user, { id: sessionId, startedAt: now }, refreshToken);
}

/** Ends a session: its refresh tokens stop working and accounts refuses its access tokens. */
export const revokeSession = (db: Db, userId: string, sessionId: string, now: number) =>
  db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));

/** Ends every session of a user except `keep` (the caller's own, when it has one), optionally only `when` a condition holds. */
export const revokeSessionsOf = (db: Db, userId: string, now: number, options: { keep?: string; when?: SQL } = {}) =>
  db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        options.keep === undefined ? undefined : ne(sessions.id, options.keep),
        options.when,
      ),
    );

/**
 * Rotates a refresh token. The token is claimed by one conditional UPDATE (`used_at IS NULL`) that
 * also names its successor; the successor is inserted in the same batch only if this request's claim
 * won. Presenting a token that was already rotated (including losing a concurrent race for it) is
 * treated as theft: the whole family is revoked, so the newest token of the family stops working too.
 */
export async function refresh(deps: SessionDeps, refreshToken: string): Promise<Session> {
  const { db } = deps;
  const now = deps.now();
  const hash = await sha256Hex(refreshToken);
  const row = await db
    .select({
      sessionId: refreshTokens.sessionId,
      userId: refreshTokens.userId,
      usedAt: refreshTokens.usedAt,
      expiresAt: refreshTokens.expiresAt,
      revokedAt: sessions.revokedAt,
      startedAt: sessions.createdAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, hash))
    .get();
  if (!row || row.revokedAt !== null || row.expiresAt <= now) throw new ApiError("unauthorized", INVALID_REFRESH);
  if (row.usedAt !== null) {
    await revokeSession(db, row.userId, row.sessionId, now);
    throw new ApiError("unauthorized", INVALID_REFRESH);
  }
  const next = randomToken();
  const nextHash = await sha256Hex(next);
  // re-checked inside the claim: a logout between our read and this write must not get a new token out
  const sessionLive = sql`EXISTS (SELECT 1 FROM sessions s WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL)`;
  const [claim] = await db.batch([
    db
      .update(refreshTokens)
      .set({ usedAt: now, replacedBy: nextHash })
      .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, now), sessionLive)),
    // the successor exists only if the claim above was this request's (replaced_by = our new hash)
    db.insert(refreshTokens).select(
      db
        .select({
          tokenHash: sql<string>`${nextHash}`.as("token_hash"),
          sessionId: refreshTokens.sessionId,
          userId: refreshTokens.userId,
          createdAt: sql<number>`${now}`.as("created_at"),
          expiresAt: sql<number>`${now + REFRESH_TOKEN_TTL_MS}`.as("expires_at"),
          usedAt: sql<null>`NULL`.as("used_at"),
          replacedBy: sql<null>`NULL`.as("replaced_by"),
        })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.tokenHash, hash), eq(refreshTokens.replacedBy, nextHash))),
    ),
  ]);
  if (claim.meta.changes !== 1) {
    await revokeSession(db, row.userId, row.sessionId, now);
    throw new ApiError("unauthorized", INVALID_REFRESH);
  }
  const user = await findUser(db, row.userId);
  if (!user) throw new ApiError("unauthorized", INVALID_REFRESH);
  // auth_time stays the session's login: a refresh proves possession of a token, not of the password
  return sessionResponse(deps, user, { id: row.sessionId, startedAt: row.startedAt }, next);
}

/** Logs out the caller's session and, if given, the session of a refresh token of the same user. */
export async function logout(db: Db, userId: string, sessionId: string, now: number, refreshToken?: string): Promise<void> {
  const other =
    refreshToken === undefined
      ? undefined
      : await db
          .select({ sessionId: refreshTokens.sessionId })
          .from(refreshTokens)
          .where(and(eq(refreshTokens.tokenHash, await sha256Hex(refreshToken)), eq(refreshTokens.userId, userId)))
          .get();
  await db.batch([revokeSession(db, userId, sessionId, now), ...(other ? [revokeSession(db, userId, other.sessionId, now)] : [])]);
}

/** When a live session of the user started (its login, epoch ms), or undefined when it is not live. */
export async function liveSessionStart(db: Db, userId: string, sessionId: string): Promise<number | undefined> {
  const row = await db
    .select({ createdAt: sessions.createdAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .get();
  return row?.createdAt;
}

/** True when the session exists, belongs to the user and has not been revoked. */
export async function isSessionLive(db: Db, userId: string, sessionId: string): Promise<boolean> {
  return (await liveSessionStart(db, userId, sessionId)) !== undefined;
}
