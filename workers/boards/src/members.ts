import { invalidField } from "./do/result";

/** The user-directory RPCs of the accounts Worker. */
interface AccountsDirectory {
  findUserByEmail(email: string): Promise<{ id: string; email: string; name: string | null } | null>;
  getUsers(ids: string[]): Promise<{ id: string }[]>;
}

/** The user id behind `{email}` or `{userId}`; someone the directory does not know is 422. */
export async function resolveUser(env: Env, body: { email?: string; userId?: string }): Promise<string> {
  const directory = env.ACCOUNTS as unknown as AccountsDirectory;
  if (body.userId !== undefined) {
    const wanted = body.userId;
    const found = (await directory.getUsers([wanted])).find((u) => u.id === wanted);
    if (!found) throw invalidField("userId", "No such user");
    return found.id;
  }
  const found = await directory.findUserByEmail(body.email ?? "");
  if (!found || typeof found.id !== "string") throw invalidField("email", "No user has this email");
  return found.id;
}
