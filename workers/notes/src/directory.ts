import { ApiError, log } from "@edgeworks/http";

/** A user as the accounts directory describes them. */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string | null;
}

/** The accounts RPCs sharing uses (over the ACCOUNTS service binding). */
export interface Directory {
  findUserByEmail(email: string): Promise<DirectoryUser | null>;
  getUsers(ids: string[]): Promise<DirectoryUser[]>;
}

const isUser = (u: unknown): u is DirectoryUser =>
  typeof u === "object" && u !== null && typeof (u as DirectoryUser).id === "string" && typeof (u as DirectoryUser).email === "string";

/**
 * The accounts directory behind the service binding, with answers checked: a failure or an odd answer is
 * 503 for a lookup the request depends on, and "unknown" for display data.
 */
export function directoryOf(env: Env): Directory {
  const rpc = env.ACCOUNTS as unknown as Directory;
  return {
    async findUserByEmail(email) {
      let found: unknown;
      try {
        found = await rpc.findUserByEmail(email);
      } catch (err) {
        log(env.LOG_LEVEL, "warn", "findUserByEmail failed", { error: err instanceof Error ? err.message : String(err) });
        throw new ApiError("service_unavailable", "The user directory is unavailable; try again shortly", {
          headers: { "Retry-After": "5" },
        });
      }
      return isUser(found) ? { id: found.id, email: found.email, name: found.name ?? null } : null;
    },
    async getUsers(ids) {
      if (ids.length === 0) return [];
      try {
        const users: unknown = await rpc.getUsers(ids);
        return Array.isArray(users) ? users.filter(isUser).map((u) => ({ id: u.id, email: u.email, name: u.name ?? null })) : [];
      } catch (err) {
        log(env.LOG_LEVEL, "warn", "getUsers failed", { error: err instanceof Error ? err.message : String(err) });
        return [];
      }
    },
  };
}
