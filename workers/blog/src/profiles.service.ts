// Blog profiles (username, bio, image) of accounts users, and who follows whom.

import { trimWhere } from "@edgeworks/http";
import { and, eq, ne, type SQL, sql } from "drizzle-orm";
import { type BlogDb, isUniqueViolation } from "./db";
import { follows, profiles } from "./schema";

export interface ProfileRow {
  userId: string;
  username: string;
  bio: string | null;
  image: string | null;
}

/** A profile as RealWorld shows it. */
export interface Profile {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

export const toProfile = (row: ProfileRow, following: boolean): Profile => ({
  username: row.username,
  bio: row.bio,
  image: row.image,
  following,
});

const COLUMNS = { userId: profiles.userId, username: profiles.username, bio: profiles.bio, image: profiles.image };

/** `username` equals the given one ignoring case: the collation of the profiles_username index, so it is used. */
export const usernameIs = (username: string): SQL => sql`${profiles.username} = ${username} COLLATE NOCASE`;

export const findProfileByUsername = async (db: BlogDb, username: string): Promise<ProfileRow | null> =>
  (await db.select(COLUMNS).from(profiles).where(usernameIs(username)).get()) ?? null;

export const findProfileByUserId = async (db: BlogDb, userId: string): Promise<ProfileRow | null> =>
  (await db.select(COLUMNS).from(profiles).where(eq(profiles.userId, userId)).get()) ?? null;

/** True when another user already has this username (case-insensitive). */
export async function isUsernameTaken(db: BlogDb, username: string, exceptUserId = ""): Promise<boolean> {
  const row = await db
    .select({ userId: profiles.userId })
    .from(profiles)
    .where(and(usernameIs(username), ne(profiles.userId, exceptUserId)))
    .get();
  return row !== undefined;
}

/** Creates the profile; false when the username was taken meanwhile (the unique index decides races). */
export async function createProfile(db: BlogDb, userId: string, username: string, now: number): Promise<boolean> {
  try {
    const res = await db
      .insert(profiles)
      .values({ userId, username, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: profiles.userId });
    return res.meta.changes === 1;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** A username from an accounts name or email: RealWorld-safe characters, at most 32. */
export function suggestUsername(source: string): string {
  const safe = (source.split("@")[0] ?? "").normalize("NFKD").replace(/[^A-Za-z0-9_.-]+/g, "_");
  // trimmed by a scan: `/^[_.-]+|[_.-]+$/g` retries every start of a long run (quadratic)
  const base = trimWhere(safe, (ch) => ch === "_" || ch === "." || ch === "-").slice(0, 32);
  return base.length > 0 ? base : "user";
}

/**
 * The profile of an accounts user, created on first sight (someone who signed up in another product
 * and comes to the blog): the suggested username, or it with a random suffix when taken.
 */
export async function ensureProfile(db: BlogDb, userId: string, suggested: string, now: number): Promise<ProfileRow> {
  const existing = await findProfileByUserId(db, userId);
  if (existing) return existing;
  const base = suggestUsername(suggested);
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = attempt === 0 ? base : `${base.slice(0, 32)}_${crypto.randomUUID().slice(0, 6)}`;
    await createProfile(db, userId, candidate, now);
    const row = await findProfileByUserId(db, userId);
    if (row) return row;
  }
  throw new Error("could not pick a free username");
}

export interface ProfileChanges {
  username?: string;
  bio?: string | null;
  image?: string | null;
}

/** Applies the changes; false when the new username is taken (unique index). */
export async function updateProfile(db: BlogDb, userId: string, changes: ProfileChanges, now: number): Promise<boolean> {
  const { username, bio, image } = changes;
  try {
    await db.update(profiles).set({ username, bio, image, updatedAt: now }).where(eq(profiles.userId, userId));
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function isFollowing(db: BlogDb, followerId: string | undefined, followeeId: string): Promise<boolean> {
  if (!followerId) return false;
  const row = await db
    .select({ followerId: follows.followerId })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    .get();
  return row !== undefined;
}

/** Idempotent: following twice is one follow. */
export async function follow(db: BlogDb, followerId: string, followeeId: string, now: number): Promise<void> {
  await db.insert(follows).values({ followerId, followeeId, createdAt: now }).onConflictDoNothing();
}

export async function unfollow(db: BlogDb, followerId: string, followeeId: string): Promise<void> {
  await db.delete(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)));
}

/** The ids of everyone following this user. */
export async function followerIds(db: BlogDb, userId: string): Promise<string[]> {
  const rows = await db.select({ followerId: follows.followerId }).from(follows).where(eq(follows.followeeId, userId));
  return rows.map((r) => r.followerId);
}
