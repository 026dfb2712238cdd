// Avatar records: which R2 keys a user uploaded. The bytes live in R2 under a random key per upload.
import { and, eq, sql } from "drizzle-orm";
import type { BlogDb } from "./db";
import { updateProfile } from "./profiles.service";
import { avatars } from "./schema";

/** An avatar is at most 2 MiB (also the upload body limit of `/blog/v1/user/avatar`, see product.ts). */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

export interface StoredAvatar {
  key: string;
  contentType: string;
  size: number;
  etag: string;
}

/**
 * Records an uploaded avatar and makes `image` (its URL) the user's profile image. Answers the keys
 * of the user's earlier uploads, which are no longer anyone's image (see forgetAvatars).
 *
 * @example const previous = await saveAvatar(db, userId, { key, contentType, size, etag }, image, Date.now());
 */
export async function saveAvatar(db: BlogDb, userId: string, avatar: StoredAvatar, image: string, now: number): Promise<string[]> {
  const previous = await db.select({ key: avatars.key }).from(avatars).where(eq(avatars.userId, userId));
  await db.insert(avatars).values({ ...avatar, userId, createdAt: now });
  // the caller's authentication made the profile (ensureViewerProfile) before any write
  await updateProfile(db, userId, { image }, now);
  return previous.map((p) => p.key);
}

/** Forgets these avatar keys of the user (their R2 objects are deleted by the caller). */
export async function forgetAvatars(db: BlogDb, userId: string, keys: string[]): Promise<void> {
  await db
    .delete(avatars)
    .where(and(eq(avatars.userId, userId), sql`${avatars.key} IN (SELECT value FROM json_each(${JSON.stringify(keys)}))`));
}
