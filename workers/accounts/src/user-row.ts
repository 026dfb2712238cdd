import { notFound } from "@edgeworks/http";
import { eq } from "drizzle-orm";
import type { Db } from "./deps";
import { type UserRow, users } from "./schema";
import type { User } from "./validation";

/** The API shape of a stored user: never the password hash. */
export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  createdAt: new Date(row.createdAt).toISOString(),
  emailVerified: row.emailVerifiedAt !== null,
  pendingEmail: row.pendingEmail,
});

/** Loads a user by id or throws a 404 problem (e.g. a token whose account no longer exists). */
export async function getUserRowOrThrow(db: Db, userId: string): Promise<UserRow> {
  const row = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw notFound("User");
  return row;
}

/** Loads a user by id, or undefined. */
export const findUser = (db: Db, userId: string): Promise<UserRow | undefined> => db.select().from(users).where(eq(users.id, userId)).get();

/** Loads a user by normalised email. */
export const findUserByEmail = (db: Db, email: string): Promise<UserRow | undefined> =>
  db.select().from(users).where(eq(users.email, email)).get();

/** True for the error D1 raises when an insert or update hits the unique email index. */
export const isEmailTaken = (err: unknown): boolean =>
  err instanceof Error && /UNIQUE constraint failed: users\.email/.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`);
