import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../deps";
import { emailSettings } from "./email-tables";
import { chunks } from "./push-fanout";

// Whether a user gets chat notification emails (no row: yes), and the token of the unsubscribe link in
// those emails. The token is stored as it is sent: every email of the user carries the same link (an old
// email's link keeps working), chat has no signing secret, and the token can do one thing only, turn
// this user's chat emails off.

/** Length of an unsubscribe token: 32 random bytes in base64url. */
export const UNSUBSCRIBE_TOKEN_LENGTH = 43;

/** A new unsubscribe token: 32 random bytes, base64url without padding (43 characters). */
export function newUnsubscribeToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/={1,2}$/, "");
}

/**
 * Whether `userId` gets chat notification emails (true unless turned off).
 *
 * @example const on = await emailSettingOf(db, "bob"); // true
 */
export async function emailSettingOf(db: Db, userId: string): Promise<boolean> {
  const row = await db.select({ email: emailSettings.email }).from(emailSettings).where(eq(emailSettings.userId, userId)).get();
  return row === undefined || row.email === 1;
}

/**
 * Turns a user's chat notification emails on or off (one upsert; a new row gets its unsubscribe token).
 *
 * @example await setEmailSetting(db, "bob", false, Date.now());
 */
export async function setEmailSetting(db: Db, userId: string, email: boolean, now: number): Promise<boolean> {
  const value = email ? 1 : 0;
  await db
    .insert(emailSettings)
    .values({ userId, email: value, unsubscribeToken: newUnsubscribeToken(), updatedAt: now })
    .onConflictDoUpdate({ target: emailSettings.userId, set: { email: value, updatedAt: now } });
  return email;
}

/**
 * Of `userIds`, those whose chat emails are on, each with its unsubscribe token (a row with a new token
 * is written for users who have none yet; concurrent writers keep the first token).
 *
 * @example const tokens = await mailableUsers(db, ["bob", "carol"], Date.now()); // Map { "bob" => "Zk…" }
 */
export async function mailableUsers(db: Db, userIds: string[], now: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (userIds.length === 0) return out;
  // 4 parameters a row: 20 rows a statement stays under D1's 100 bound parameters
  const inserts = chunks(userIds, 20).map((part) =>
    db
      .insert(emailSettings)
      .values(part.map((userId) => ({ userId, email: 1, unsubscribeToken: newUnsubscribeToken(), updatedAt: now })))
      .onConflictDoNothing({ target: emailSettings.userId }),
  );
  const [first, ...rest] = inserts;
  if (first) await db.batch([first, ...rest]);
  for (const part of chunks(userIds, 90)) {
    const rows = await db
      .select({ userId: emailSettings.userId, token: emailSettings.unsubscribeToken })
      .from(emailSettings)
      .where(and(inArray(emailSettings.userId, part), eq(emailSettings.email, 1)));
    for (const r of rows) out.set(r.userId, r.token);
  }
  return out;
}

/**
 * The user an unsubscribe token belongs to, and whether their emails are still on; null for an unknown token.
 *
 * @example const found = await findUnsubscribeToken(db, token); // { userId, email } | null
 */
export async function findUnsubscribeToken(db: Db, token: string): Promise<{ userId: string; email: boolean } | null> {
  const row = await db
    .select({ userId: emailSettings.userId, email: emailSettings.email })
    .from(emailSettings)
    .where(eq(emailSettings.unsubscribeToken, token))
    .get();
  return row ? { userId: row.userId, email: row.email === 1 } : null;
}

/**
 * Turns off the chat emails of the token's user (idempotent); false for an unknown token.
 *
 * @example if (!(await unsubscribeWithToken(db, token, Date.now()))) throw notFound("Unsubscribe link");
 */
export async function unsubscribeWithToken(db: Db, token: string, now: number): Promise<boolean> {
  const rows = await db
    .update(emailSettings)
    .set({ email: 0, updatedAt: now })
    .where(eq(emailSettings.unsubscribeToken, token))
    .returning({ userId: emailSettings.userId });
  return rows.length > 0;
}
