import { accountsDirectory } from "@edgeworks/auth";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { ChatDeps } from "./deps";
import { userNames } from "./schema";

/** What chat keeps of an account: its id and display name (never the email, which other members must not see). */
export interface NamedUser {
  id: string;
  name: string | null;
}

/**
 * The accounts among `ids` (unknown ids are left out), by id; 503 with Retry-After when accounts cannot
 * answer (packages/auth's directory client, which also batches). Emails are dropped here.
 *
 * @example const found = await getUsersOrThrow(env, ["alice", "bob"]); // Map { "alice" => {id, name} }
 */
export async function getUsersOrThrow(env: Env, ids: string[]): Promise<Map<string, NamedUser>> {
  const users = await accountsDirectory(env).getUsers(ids);
  return new Map(users.map((u) => [u.id, { id: u.id, name: u.name }]));
}

/**
 * The account with this email, or null; 503 with Retry-After when accounts cannot answer. Only the id and
 * name are kept: the caller already knows the email.
 *
 * @example const bob = await findUserByEmailOrThrow(env, "bob@example.com"); // {id, name} | null
 */
export async function findUserByEmailOrThrow(env: Env, email: string): Promise<NamedUser | null> {
  const found = await accountsDirectory(env).findUserByEmail(email);
  return found && { id: found.id, name: found.name };
}

/**
 * Stores (or refreshes) display names in `user_names`: one statement with one bound JSON parameter,
 * however many users (D1 binds at most 100 parameters).
 *
 * @example await saveNames(deps, [{ id: "bob", name: "Bob" }]);
 */
export async function saveNames({ env, now }: Pick<ChatDeps, "env" | "now">, users: NamedUser[]): Promise<void> {
  if (users.length === 0) return;
  const json = JSON.stringify(users.map((u) => ({ id: u.id, name: u.name })));
  await drizzle(env.DB)
    .insert(userNames)
    // json_each keeps it one statement; `WHERE true` lets SQLite parse the upsert after a SELECT
    .select(sql`SELECT json_extract(value, '$.id'), json_extract(value, '$.name'), ${now()} FROM json_each(${json}) WHERE true`)
    .onConflictDoUpdate({ target: userNames.userId, set: { name: sql`excluded.name`, updatedAt: sql`excluded.updated_at` } })
    .run();
}
