import { ApiError, log } from "@edgeworks/http";
import type { ChatDeps } from "./deps";

/** What chat keeps of an account: its id and display name (never the email, which other members must not see). */
export interface NamedUser {
  id: string;
  name: string | null;
}

/** The user-directory RPCs of the accounts Worker (over the ACCOUNTS service binding). */
interface AccountsDirectory {
  findUserByEmail(email: string): Promise<unknown>;
  getUsers(ids: string[]): Promise<unknown>;
}

/** accounts answers at most this many ids per `getUsers` call (it ignores the rest). */
const MAX_IDS_PER_CALL = 100;

const rpcOf = (env: Env) => env.ACCOUNTS as unknown as AccountsDirectory;

/** A checked directory answer: an object with a string id; a name that is not a string counts as none. */
function toNamedUser(u: unknown): NamedUser | null {
  if (typeof u !== "object" || u === null || typeof (u as NamedUser).id !== "string") return null;
  const name = (u as NamedUser).name;
  return { id: (u as NamedUser).id, name: typeof name === "string" ? name : null };
}

function unavailable(env: Env, what: string, err: unknown): ApiError {
  log(env.LOG_LEVEL, "warn", `${what} failed`, { error: err instanceof Error ? err.message : String(err) });
  return new ApiError("service_unavailable", "The user directory is unavailable");
}

/**
 * The accounts among `ids` (unknown ids are left out), asked 100 at a time; 503 when accounts cannot answer.
 *
 * @example const found = await getUsersOrThrow(env, ["alice", "bob"]); // Map { "alice" => {id, name} }
 */
export async function getUsersOrThrow(env: Env, ids: string[]): Promise<Map<string, NamedUser>> {
  const wanted = [...new Set(ids)];
  const chunks = Array.from({ length: Math.ceil(wanted.length / MAX_IDS_PER_CALL) }, (_, i) =>
    wanted.slice(i * MAX_IDS_PER_CALL, (i + 1) * MAX_IDS_PER_CALL),
  );
  let answers: unknown[];
  try {
    answers = await Promise.all(chunks.map((chunk) => rpcOf(env).getUsers(chunk)));
  } catch (err) {
    throw unavailable(env, "getUsers", err);
  }
  const found = new Map<string, NamedUser>();
  const asked = new Set(wanted);
  for (const answer of answers) {
    for (const u of Array.isArray(answer) ? answer : []) {
      const user = toNamedUser(u);
      if (user && asked.has(user.id)) found.set(user.id, user);
    }
  }
  return found;
}

/**
 * The account with this email (accounts compares it trimmed and lower-cased), or null; 503 when accounts
 * cannot answer. Only the id and name are kept: the caller already knows the email.
 *
 * @example const bob = await findUserByEmailOrThrow(env, "bob@example.com"); // {id, name} | null
 */
export async function findUserByEmailOrThrow(env: Env, email: string): Promise<NamedUser | null> {
  let found: unknown;
  try {
    found = await rpcOf(env).findUserByEmail(email);
  } catch (err) {
    throw unavailable(env, "findUserByEmail", err);
  }
  return toNamedUser(found);
}

/**
 * Stores (or refreshes) display names in `user_names`: one statement with one bound JSON parameter,
 * however many users (D1 binds at most 100 parameters).
 *
 * @example await saveNames(deps, [{ id: "bob", name: "Bob" }]);
 */
export async function saveNames({ env, now }: Pick<ChatDeps, "env" | "now">, users: NamedUser[]): Promise<void> {
  if (users.length === 0) return;
  await env.DB.prepare(
    `INSERT INTO user_names (user_id, name, updated_at)
     SELECT json_extract(value, '$.id'), json_extract(value, '$.name'), ?2 FROM json_each(?1) WHERE true
     ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
  )
    .bind(JSON.stringify(users.map((u) => ({ id: u.id, name: u.name }))), now())
    .run();
}
