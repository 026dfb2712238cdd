// RealWorld users: register and login go through workers/accounts (one identity for every product);
// the blog keeps the profile (username, bio, image) keyed by the accounts user id.

import { jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AccountsError, changeAccountEmail, getAccountUsers, loginAccount, registerAccount, setAccountPassword } from "../accounts";
import { blogDb } from "../db";
import { authenticate, type Viewer, viewerOf } from "../product";
import { createProfile, ensureProfile, findProfileByUserId, isUsernameTaken, type ProfileRow, updateProfile } from "../profiles.service";
import { createRealWorldRouter, groupFieldErrors, RealWorldError, takenError } from "./errors";
import { rwErrorsFor, TOKEN_SECURITY } from "./present";
import { loginBody, newUserBody, updateUserBody, userEnvelope } from "./validation";

const userResponse = jsonResponse(userEnvelope, "The user, with a token for `Authorization: Token <token>`");
const tags = ["User and Authentication"];

const register = createRoute({
  method: "post",
  path: "/users",
  tags,
  summary: "Register (creates an Edgeworks account and its blog profile)",
  request: { body: jsonBody(newUserBody) },
  responses: { 201: userResponse, ...rwErrorsFor(409, 413, 415, 422, 429, 503) },
});
const login = createRoute({
  method: "post",
  path: "/users/login",
  tags,
  summary: "Log in with the Edgeworks account's email and password",
  request: { body: jsonBody(loginBody) },
  responses: { 200: userResponse, ...rwErrorsFor(401, 413, 415, 422, 429, 503) },
});
const current = createRoute({
  method: "get",
  path: "/user",
  tags,
  summary: "The current user (`token` is the credential sent)",
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  responses: { 200: userResponse, ...rwErrorsFor(401, 503) },
});
const update = createRoute({
  method: "put",
  path: "/user",
  tags,
  summary: "Update the current user (email and password change the Edgeworks account)",
  description:
    'A password is set in accounts without the current one (RealWorld does not send it). The caller\'s session stays, so the token sent keeps working and is returned; every other session of the account ends. Needs a session token, not an API key (403). `""` and `null` change nothing.',
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  request: { body: jsonBody(updateUserBody) },
  responses: { 200: userResponse, ...rwErrorsFor(401, 403, 409, 413, 415, 422, 503) },
});

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const clientIp = (c: Context) => c.req.header("CF-Connecting-IP") ?? undefined;

/** Maps an accounts failure onto RealWorld's errors. */
function fromAccounts(err: unknown, on401: RealWorldError): never {
  if (!(err instanceof AccountsError)) throw err;
  if (err.status === 409) throw takenError("email");
  if (err.status === 401) throw on401;
  if (err.status === 403) throw new RealWorldError(403, "email", "can't be changed with this credential (use a session token)");
  if (err.status === 422 || err.status === 400) {
    throw new RealWorldError(422, groupFieldErrors(err.fieldErrors, "user"));
  }
  if (err.status === 429)
    throw new RealWorldError(
      429,
      "request",
      "is rate limited, retry later",
      err.retryAfter ? { "Retry-After": err.retryAfter } : undefined,
    );
  throw new RealWorldError(503, "accounts", "is unavailable, retry later");
}

const present = (profile: ProfileRow, email: string, token: string) => ({
  user: { email, token, username: profile.username, bio: profile.bio, image: profile.image },
});

/** The viewer's profile and email (the email lives in accounts). */
async function currentUser(env: Env, viewer: Viewer) {
  const [account] = await getAccountUsers(env, [viewer.userId]).catch((err) =>
    fromAccounts(err, new RealWorldError(401, "token", "is invalid")),
  );
  if (!account) throw new RealWorldError(401, "token", "is invalid");
  const profile = await ensureProfile(blogDb(env.DB), viewer.userId, account.name ?? account.email, Date.now());
  return { account, profile };
}

/**
 * Sets the password in accounts, keeping the caller's session (its `sid`), so `viewer.token` stays
 * valid and is what the response returns. A session that already ended (logged out) is refused as
 * accounts refuses it: 401, log in again.
 */
async function changePassword(env: Env, viewer: Viewer, password: string): Promise<void> {
  const result = await setAccountPassword(env, viewer.userId, password, viewer.sessionId).catch((err) =>
    fromAccounts(err, new RealWorldError(401, "token", "is invalid")),
  );
  if (result.ok) return;
  // the blog checks the same rule first, so this is only reached if the two ever drift apart
  if (result.reason === "invalid_password") throw new RealWorldError(422, "password", lowerFirst(result.message));
  throw new RealWorldError(401, "token", "is invalid");
}

export const usersRouter = createRealWorldRouter()
  .openapi(register, async (c) => {
    const { user } = c.req.valid("json");
    if (await isUsernameTaken(blogDb(c.env.DB), user.username)) throw takenError("username");
    const session = await registerAccount(c.env, { email: user.email, password: user.password, name: user.username }, clientIp(c)).catch(
      (err) => fromAccounts(err, new RealWorldError(401, "credentials", "invalid")),
    );
    // the unique index decides a race for the username; the account then exists without a blog
    // profile and gets one (with a free username) on its first login
    if (!(await createProfile(blogDb(c.env.DB), session.user.id, user.username, Date.now()))) throw takenError("username");
    const profile = await findProfileByUserId(blogDb(c.env.DB), session.user.id);
    if (!profile) throw new Error("profile vanished after insert");
    return c.json(present(profile, session.user.email, session.accessToken), 201);
  })
  .openapi(login, async (c) => {
    const { user } = c.req.valid("json");
    const session = await loginAccount(c.env, user, clientIp(c)).catch((err) =>
      fromAccounts(err, new RealWorldError(401, "credentials", "invalid")),
    );
    const profile = await ensureProfile(blogDb(c.env.DB), session.user.id, session.user.name ?? session.user.email, Date.now());
    return c.json(present(profile, session.user.email, session.accessToken), 200);
  })
  .openapi(current, async (c) => {
    const viewer = viewerOf(c);
    const { account, profile } = await currentUser(c.env, viewer);
    return c.json(present(profile, account.email, viewer.token), 200);
  })
  .openapi(update, async (c) => {
    const viewer = viewerOf(c);
    const { user } = c.req.valid("json");
    // like accounts' own password change, only a session may do it (a leaked API key must not take over the account)
    if (user.password && viewer.method !== "jwt") {
      throw new RealWorldError(403, "password", "can't be changed with this credential (use a session token)");
    }
    let { account, profile } = await currentUser(c.env, viewer);
    if (user.username !== undefined && (await isUsernameTaken(blogDb(c.env.DB), user.username, viewer.userId)))
      throw takenError("username");
    if (user.email !== undefined && user.email !== account.email) {
      account = await changeAccountEmail(c.env, viewer.token, user.email).catch((err) =>
        fromAccounts(err, new RealWorldError(401, "token", "is invalid")),
      );
    }
    if (user.password) await changePassword(c.env, viewer, user.password);
    const changes = { username: user.username, bio: user.bio, image: user.image };
    if (!(await updateProfile(blogDb(c.env.DB), viewer.userId, changes, Date.now()))) throw takenError("username");
    profile = (await findProfileByUserId(blogDb(c.env.DB), viewer.userId)) ?? profile;
    return c.json(present(profile, account.email, viewer.token), 200);
  });
