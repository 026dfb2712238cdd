// RealWorld users: register and login go through workers/accounts (one identity for every product);
// the blog keeps the profile (username, bio, image) keyed by the accounts user id.

import { jsonBody, jsonResponse } from "@edgeworks/http";
import { clientIp } from "@edgeworks/ratelimit";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AccountsError, changeAccountEmail, getAccountUsers, loginAccount, registerAccount, setAccountPassword } from "../accounts";
import { blogDb } from "../db";
import { authenticate, type Viewer, viewerOf } from "../product";
import { createProfile, ensureProfile, findProfileByUserId, isUsernameTaken, type ProfileRow, updateProfile } from "../profiles.service";
import { publicOrigin } from "../v1/present";
import { createRealWorldRouter, groupFieldErrors, RealWorldError, takenError } from "./errors";
import { rwErrorsFor, TOKEN_SECURITY } from "./present";
import { loginBody, newUserBody, updateUserBody, userEnvelope } from "./validation";

const userResponse = jsonResponse(userEnvelope, "The user, with a token for `Authorization: Token <token>`");
const tags = ["User and Authentication"];

const register = createRoute({
  operationId: "createUser",
  security: [],
  method: "post",
  path: "/users",
  tags,
  summary: "Register (creates an Edgeworks account and its blog profile)",
  request: { body: jsonBody(newUserBody) },
  responses: { 201: userResponse, ...rwErrorsFor(409, 413, 415, 422, 429, 503) },
});
const login = createRoute({
  operationId: "login",
  security: [],
  method: "post",
  path: "/users/login",
  tags,
  summary: "Log in with the Edgeworks account's email and password",
  request: { body: jsonBody(loginBody) },
  responses: { 200: userResponse, ...rwErrorsFor(401, 413, 415, 422, 429, 503) },
});
const current = createRoute({
  operationId: "getCurrentUser",
  method: "get",
  path: "/user",
  tags,
  summary: "The current user (`token` is the credential sent)",
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  responses: { 200: userResponse, ...rwErrorsFor(401, 503) },
});
const update = createRoute({
  operationId: "updateCurrentUser",
  method: "put",
  path: "/user",
  tags,
  summary: "Update the current user (email and password change the Edgeworks account)",
  description:
    "RealWorld sends no current password, so changing the email or the password needs a recent login instead: a token whose login (`auth_time`) was within the last 5 minutes; " +
    'later it is 403 `{"errors": {"password" or "email": ["needs a login within the last 5 minutes: log in again"]}}` and nothing changes (log in again, then retry). ' +
    "A password is set in accounts; the caller's session stays, so the token sent keeps working and is returned; every other session and every API key of the account end. " +
    'A password is 8..256 characters; `""` and `null` are 422 (can\'t be blank). Needs a session token, not an API key (403). ' +
    "A new email is pending in accounts until its owner follows the verification link sent to it (the response still shows the current email); the current address is told, with a link that undoes the change.",
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  request: { body: jsonBody(updateUserBody) },
  responses: { 200: userResponse, ...rwErrorsFor(401, 403, 409, 413, 415, 422, 429, 503) },
});

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** How recent a login must be to change the email or password (accounts' rule; RealWorld sends no current password). */
const RECENT_LOGIN_MS = 5 * 60_000;
const REAUTH = "needs a login within the last 5 minutes: log in again";
const reauthError = (fields: string[]) => new RealWorldError(403, Object.fromEntries(fields.map((f) => [f, [REAUTH]])));

/**
 * Refuses a change of `fields` (email, password) unless the viewer's token comes from a login within
 * the last 5 minutes (its `auth_time`), so a stolen token cannot take the account. 403 rather than
 * 401: the token is valid and RealWorld clients show a 403's `errors` on the settings form instead of
 * logging the user out. API keys are refused elsewhere, with their own message.
 */
function requireRecentLogin(viewer: Viewer, fields: string[]): void {
  if (fields.length === 0 || viewer.method !== "jwt") return;
  if (viewer.authTime !== undefined && Date.now() - viewer.authTime * 1000 <= RECENT_LOGIN_MS) return;
  throw reauthError(fields);
}
/** The caller's address as every limit reads it (packages/ratelimit), passed on to accounts; none when unknown. */
const callerIp = (c: Context): string | undefined => {
  const ip = clientIp(c);
  return ip === "unknown" ? undefined : ip;
};

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
  const proof = viewer.authTime === undefined ? {} : { authTime: viewer.authTime };
  const result = await setAccountPassword(env, viewer.userId, password, viewer.sessionId, proof).catch((err) =>
    fromAccounts(err, new RealWorldError(401, "token", "is invalid")),
  );
  if (result.ok) return;
  // the blog checks the same rules first, so these are only reached if the two ever drift apart
  if (result.reason === "invalid_password") throw new RealWorldError(422, "password", lowerFirst(result.message));
  if (result.reason === "reauthentication_required" || result.reason === "wrong_password") throw reauthError(["password"]);
  throw new RealWorldError(401, "token", "is invalid");
}

export const usersRouter = createRealWorldRouter()
  .openapi(register, async (c) => {
    const { user } = c.req.valid("json");
    if (await isUsernameTaken(blogDb(c.env.DB), user.username)) throw takenError("username");
    const origin = publicOrigin(c.env, c.req.url);
    const session = await registerAccount(
      c.env,
      { email: user.email, password: user.password, name: user.username },
      callerIp(c),
      origin,
    ).catch((err) => fromAccounts(err, new RealWorldError(401, "credentials", "invalid")));
    // the unique index decides a race for the username; the account then exists without a blog
    // profile and gets one (with a free username) on its first login
    if (!(await createProfile(blogDb(c.env.DB), session.user.id, user.username, Date.now()))) throw takenError("username");
    const profile = await findProfileByUserId(blogDb(c.env.DB), session.user.id);
    if (!profile) throw new Error("profile vanished after insert");
    return c.json(present(profile, session.user.email, session.accessToken), 201);
  })
  .openapi(login, async (c) => {
    const { user } = c.req.valid("json");
    const session = await loginAccount(c.env, user, callerIp(c)).catch((err) =>
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
    const emailChanges = user.email !== undefined && user.email !== account.email;
    requireRecentLogin(viewer, [...(emailChanges ? ["email"] : []), ...(user.password ? ["password"] : [])]);
    if (user.username !== undefined && (await isUsernameTaken(blogDb(c.env.DB), user.username, viewer.userId)))
      throw takenError("username");
    if (emailChanges && user.email) {
      account = await changeAccountEmail(c.env, viewer.token, user.email, publicOrigin(c.env, c.req.url)).catch((err) => {
        // a session token refused by accounts: its login is too old there (a leaked API key has its own message)
        if (err instanceof AccountsError && err.status === 403 && viewer.method === "jwt") throw reauthError(["email"]);
        return fromAccounts(err, new RealWorldError(401, "token", "is invalid"));
      });
    }
    if (user.password) await changePassword(c.env, viewer, user.password);
    const changes = { username: user.username, bio: user.bio, image: user.image };
    if (!(await updateProfile(blogDb(c.env.DB), viewer.userId, changes, Date.now()))) throw takenError("username");
    profile = (await findProfileByUserId(blogDb(c.env.DB), viewer.userId)) ?? profile;
    return c.json(present(profile, account.email, viewer.token), 200);
  });
