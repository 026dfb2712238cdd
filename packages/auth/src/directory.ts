import { ApiError, log } from "@edgeworks/http";

/** An account as the accounts directory describes it. */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string | null;
  /**
   * The owner proved the address (accounts: a followed verification link). Mail only verified
   * addresses: anyone can register an account with someone else's address.
   */
  emailVerified: boolean;
}

/** The bindings the directory client reads: the ACCOUNTS service binding and the log threshold. */
export interface DirectoryBindings {
  ACCOUNTS: Fetcher;
  LOG_LEVEL?: string;
}

/**
 * The accounts user directory as products use it. Every failure to reach accounts (or an answer that
 * is not the RPC's shape) is one policy: a 503 `service_unavailable` problem with `Retry-After`.
 */
export interface AccountsDirectory {
  /** The account with this email (accounts compares it trimmed and lower-cased), or null. */
  findUserByEmail(email: string): Promise<DirectoryUser | null>;
  /** The accounts among `ids`, unknown ids left out, asked {@link DIRECTORY_BATCH} at a time. */
  getUsers(ids: readonly string[]): Promise<DirectoryUser[]>;
}

/** accounts answers at most this many ids per `getUsers` call (it ignores the rest), so larger lists are split. */
export const DIRECTORY_BATCH = 100;

/** Seconds a client should wait before retrying after the directory was unavailable. */
export const DIRECTORY_RETRY_AFTER_SECONDS = 5;

/** The accounts Worker's directory RPCs, as they may answer (checked before use). */
interface DirectoryRpc {
  findUserByEmail(email: string): Promise<unknown>;
  getUsers(ids: string[]): Promise<unknown>;
}

/**
 * The one answer for "accounts could not be asked": 503 with `Retry-After`, so clients back off and retry.
 *
 * @example throw directoryUnavailable();
 */
export const directoryUnavailable = (): ApiError =>
  new ApiError("service_unavailable", "The user directory is unavailable; try again shortly", {
    headers: { "Retry-After": String(DIRECTORY_RETRY_AFTER_SECONDS) },
  });

/**
 * A checked directory answer: an object with string id and email; a name that is not a string counts as
 * none, and the address counts as verified only when accounts says exactly `true` (fail closed).
 */
function toUser(u: unknown): DirectoryUser | null {
  if (typeof u !== "object" || u === null) return null;
  const { id, email, name, emailVerified } = u as Record<string, unknown>;
  if (typeof id !== "string" || typeof email !== "string") return null;
  return { id, email, name: typeof name === "string" ? name : null, emailVerified: emailVerified === true };
}

/** Splits `items` into runs of at most `size`. */
function chunk<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * The accounts directory behind `env.ACCOUNTS`, with answers checked, lookups batched and one failure
 * policy (503 problem+json with `Retry-After`, see {@link directoryUnavailable}).
 *
 * @example
 * const directory = accountsDirectory(env);
 * const bob = await directory.findUserByEmail("bob@example.com"); // { id, email, name, emailVerified } | null
 * const users = await directory.getUsers(ownerIds); // 250 ids → three RPCs
 */
export function accountsDirectory(env: DirectoryBindings): AccountsDirectory {
  const rpc = env.ACCOUNTS as unknown as DirectoryRpc;
  const unavailable = (what: string, err: unknown): ApiError => {
    log(env.LOG_LEVEL, "warn", `accounts ${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    return directoryUnavailable();
  };
  return {
    async findUserByEmail(email) {
      let found: unknown;
      try {
        found = await rpc.findUserByEmail(email);
      } catch (err) {
        throw unavailable("findUserByEmail", err);
      }
      return toUser(found);
    },
    async getUsers(ids) {
      const wanted = [...new Set(ids)];
      if (wanted.length === 0) return [];
      let answers: unknown[];
      try {
        answers = await Promise.all(chunk(wanted, DIRECTORY_BATCH).map((part) => rpc.getUsers(part)));
      } catch (err) {
        throw unavailable("getUsers", err);
      }
      if (!answers.every(Array.isArray)) throw unavailable("getUsers", new Error("answer is not a list"));
      const asked = new Set(wanted);
      const found = new Map<string, DirectoryUser>();
      for (const user of answers.flat().map(toUser)) if (user && asked.has(user.id)) found.set(user.id, user);
      return [...found.values()];
    },
  };
}
