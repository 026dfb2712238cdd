import type { AccountsDirectory } from "@edgeworks/auth";
import type { Contact } from "@edgeworks/commerce-contracts";
import { invalidField, iso } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import type { Db, ServiceDeps } from "./deps";
import { type ProfileRow, profiles } from "./schema";
import type { Profile, UpdateProfileInput } from "./validation";
import { settingsOf } from "./views";

async function profileRow(db: Db, userId: string): Promise<ProfileRow | undefined> {
  const [row] = await db.select().from(profiles).where(eq(profiles.userId, userId)).limit(1);
  return row;
}

async function accountOf(directory: AccountsDirectory, userId: string) {
  const [account] = await directory.getUsers([userId]);
  return account ?? null;
}

function toProfile(userId: string, row: ProfileRow | undefined, account: { email: string; emailVerified: boolean } | null): Profile {
  return {
    userId,
    email: account?.email ?? null,
    emailVerified: account?.emailVerified ?? false,
    ...settingsOf(row),
    createdAt: row ? iso(row.createdAt) : null,
    updatedAt: row ? iso(row.updatedAt) : null,
  };
}

/** The caller's profile: the saved settings (or the defaults; a read writes nothing) and the directory's e-mail. */
export async function getProfile({ db, userId, directory }: ServiceDeps): Promise<Profile> {
  const [row, account] = await Promise.all([profileRow(db, userId), accountOf(directory, userId)]);
  return toProfile(userId, row, account);
}

/**
 * Changes the given settings (creating the profile on its first save). SMS needs a phone: a result with
 * `notifyBySms` and no phone is a 422, whichever of the two the patch touched.
 */
export async function updateProfile(deps: ServiceDeps, patch: UpdateProfileInput): Promise<Profile> {
  const { db, userId, now, directory, logger } = deps;
  const [row, account] = await Promise.all([profileRow(db, userId), accountOf(directory, userId)]);
  const next = { ...settingsOf(row), ...patch };
  if (next.notifyBySms && next.phone === null)
    throw invalidField(patch.notifyBySms !== undefined ? "notifyBySms" : "phone", "SMS notifications need a phone number");
  if (Object.keys(patch).length === 0) return toProfile(userId, row, account);
  const t = now();
  const [saved] = await db
    .insert(profiles)
    .values({ userId, ...next, createdAt: t, updatedAt: t })
    .onConflictDoUpdate({ target: profiles.userId, set: { ...patch, updatedAt: t } })
    .returning();
  if (!saved) throw new Error("INSERT … RETURNING returned no row");
  logger.info("profile saved", { userId, fields: Object.keys(patch) });
  return toProfile(userId, saved, account);
}

/**
 * What notifications needs to reach a user (RPC `getContact`): null for an account the directory does not
 * know; the e-mail only when the owner proved it (mail goes to verified addresses only).
 */
export async function contactOf(db: Db, directory: AccountsDirectory, userId: string): Promise<Contact | null> {
  const [row, account] = await Promise.all([profileRow(db, userId), accountOf(directory, userId)]);
  if (!account) return null;
  return { userId, email: account.emailVerified ? account.email : null, ...settingsOf(row) };
}
