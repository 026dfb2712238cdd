// Blog profiles (username, bio, image) of accounts users, and who follows whom.

export interface ProfileRow {
  user_id: string;
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

const COLUMNS = "user_id, username, bio, image";

export const findProfileByUsername = (db: D1Database, username: string) =>
  db.prepare(`SELECT ${COLUMNS} FROM profiles WHERE username = ?1 COLLATE NOCASE`).bind(username).first<ProfileRow>();

export const findProfileByUserId = (db: D1Database, userId: string) =>
  db.prepare(`SELECT ${COLUMNS} FROM profiles WHERE user_id = ?1`).bind(userId).first<ProfileRow>();

/** True when another user already has this username (case-insensitive). */
export async function isUsernameTaken(db: D1Database, username: string, exceptUserId = ""): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS taken FROM profiles WHERE username = ?1 COLLATE NOCASE AND user_id != ?2")
    .bind(username, exceptUserId)
    .first();
  return row !== null;
}

const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/i.test(err.message);

/** Creates the profile; false when the username was taken meanwhile (the unique index decides races). */
export async function createProfile(db: D1Database, userId: string, username: string, now: number): Promise<boolean> {
  try {
    const res = await db
      .prepare("INSERT INTO profiles (user_id, username, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT (user_id) DO NOTHING")
      .bind(userId, username, now)
      .run();
    return res.meta.changes === 1;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** A username from an accounts name or email: RealWorld-safe characters, at most 32. */
export function suggestUsername(source: string): string {
  const base = source
    .split("@")[0]
    ?.normalize("NFKD")
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^[_.-]+|[_.-]+$/g, "")
    .slice(0, 32);
  return base && base.length > 0 ? base : "user";
}

/**
 * The profile of an accounts user, created on first sight (someone who signed up in another product
 * and comes to the blog): the suggested username, or it with a random suffix when taken.
 */
export async function ensureProfile(db: D1Database, userId: string, suggested: string, now: number): Promise<ProfileRow> {
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
export async function updateProfile(db: D1Database, userId: string, changes: ProfileChanges, now: number): Promise<boolean> {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [column, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${column} = ?${values.length}`);
  }
  values.push(now, userId);
  try {
    await db
      .prepare(`UPDATE profiles SET ${[...sets, `updated_at = ?${values.length - 1}`].join(", ")} WHERE user_id = ?${values.length}`)
      .bind(...values)
      .run();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function isFollowing(db: D1Database, followerId: string | undefined, followeeId: string): Promise<boolean> {
  if (!followerId) return false;
  const row = await db
    .prepare("SELECT 1 AS f FROM follows WHERE follower_id = ?1 AND followee_id = ?2")
    .bind(followerId, followeeId)
    .first();
  return row !== null;
}

/** Idempotent: following twice is one follow. */
export async function follow(db: D1Database, followerId: string, followeeId: string, now: number): Promise<void> {
  await db
    .prepare("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
    .bind(followerId, followeeId, now)
    .run();
}

export async function unfollow(db: D1Database, followerId: string, followeeId: string): Promise<void> {
  await db.prepare("DELETE FROM follows WHERE follower_id = ?1 AND followee_id = ?2").bind(followerId, followeeId).run();
}

/** The ids of everyone following this user. */
export async function followerIds(db: D1Database, userId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT follower_id FROM follows WHERE followee_id = ?1")
    .bind(userId)
    .all<{ follower_id: string }>();
  return results.map((r) => r.follower_id);
}
