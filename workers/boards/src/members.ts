import { accountsDirectory } from "@edgeworks/auth";
import { invalidField } from "./do/result";

/** The user id behind `{email}` or `{userId}`; someone the directory does not know is 422, an accounts outage 503. */
export async function resolveUser(env: Env, body: { email?: string; userId?: string }): Promise<string> {
  const directory = accountsDirectory(env);
  if (body.userId !== undefined) {
    const wanted = body.userId;
    const found = (await directory.getUsers([wanted])).find((u) => u.id === wanted);
    if (!found) throw invalidField("userId", "No such user");
    return found.id;
  }
  const found = await directory.findUserByEmail(body.email ?? "");
  if (!found) throw invalidField("email", "No user has this email");
  return found.id;
}
