import { ApiError, createRouter, errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { clientNetwork } from "@edgeworks/ratelimit";
import { createRoute } from "@hono/zod-openapi";
import { consume, enforce, forget } from "../limits";
import { type AccountsEnv, afterResponse, callerSession, requireAuth, requireSession, serviceDeps, sessionDeps } from "../product";
import { login, logout, refresh } from "../sessions.service";
import { register } from "../users.service";
import { loginBody, logoutBody, refreshBody, registerBody, sessionSchema } from "../validation";

/** Registration, login, refresh and logout: the routes that start and end sessions. */
export const sessionRoutes = createRouter<AccountsEnv>();

// RFC 6749 §5.1: responses carrying tokens must not be cached
const NO_STORE = { "Cache-Control": "no-store" };

sessionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/register",
    operationId: "register",
    security: [],
    tags: ["Sessions"],
    summary: "Create an account and start a session",
    description:
      "Also queues an email-verification message. The email is trimmed and lower-cased; a duplicate is 409. " +
      "Limited to 100 registrations an hour per client network (an IPv4 address or IPv6 /64) and 600 per 10 minutes in all; over the limit is 429 with Retry-After.",
    request: { body: jsonBody(registerBody) },
    responses: { 201: jsonResponse(sessionSchema, "The account and its first session"), ...errors(400, 409, 413, 415, 422, 429) },
  }),
  async (c) => {
    const ns = c.env.RATE_LIMITER;
    // before the password is hashed: a flood of sign-ups costs a Durable Object call each, not a PBKDF2
    await enforce([consume(ns, "registerPerNetwork", clientNetwork(c)), consume(ns, "registerGlobal", "all")], "registrations");
    const session = await register(await sessionDeps(c), c.req.valid("json"));
    return c.json(session, 201, NO_STORE);
  },
);

sessionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/login",
    operationId: "login",
    security: [],
    tags: ["Sessions"],
    summary: "Start a session with email and password",
    description:
      "Wrong email and wrong password get the same 401. Limited per client network (an IPv4 address or IPv6 /64): 30 attempts a minute, " +
      "and 10 per 15 minutes for one email (then one every 90 s; a successful login clears it), so failures from one network never lock the owner out on another. " +
      "Across networks an email has a slow ceiling of 100 failures an hour; past it, only networks that have already failed for that email are refused. " +
      "Over a limit is 429 with Retry-After.",
    request: { body: jsonBody(loginBody) },
    responses: { 200: jsonResponse(sessionSchema, "A new session"), ...errors(400, 401, 413, 415, 422, 429) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const ns = c.env.RATE_LIMITER;
    const network = clientNetwork(c);
    const pair = `${input.email}|${network}`;
    const perPair = await consume(ns, "loginPerEmailNetwork", pair);
    const limitHeaders = await enforce([consume(ns, "loginPerNetwork", network), perPair], "login attempts");
    // an attempt before this one from this network, not cleared by a success, was a failure
    const hasFailed = perPair.remaining < perPair.limit - 1;
    if (hasFailed) await enforce([consume(ns, "loginFailuresPerEmail", input.email)], "login attempts");
    const session = await login(await sessionDeps(c), input).catch((err: unknown) => {
      // a network's first failure counts toward the email's ceiling too (later ones were counted above)
      if (!hasFailed && err instanceof ApiError && err.status === 401) {
        afterResponse(c, consume(ns, "loginFailuresPerEmail", input.email), "login failure count");
      }
      throw err;
    });
    afterResponse(c, forget(ns, "loginPerEmailNetwork", pair), "login limit reset");
    return c.json(session, 200, { ...limitHeaders, ...NO_STORE });
  },
);

sessionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/refresh",
    operationId: "refreshSession",
    security: [],
    tags: ["Sessions"],
    summary: "Exchange a refresh token for a new pair",
    description:
      "Refresh tokens are single use and rotate: the response carries the next one. Presenting a token that was already used revokes its whole session (every token of the family) and is 401.",
    request: { body: jsonBody(refreshBody) },
    responses: { 200: jsonResponse(sessionSchema, "A new access token and the next refresh token"), ...errors(400, 401, 413, 415, 422) },
  }),
  async (c) => c.json(await refresh(await sessionDeps(c), c.req.valid("json").refreshToken), 200, NO_STORE),
);

sessionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout",
    operationId: "logout",
    tags: ["Sessions"],
    summary: "End the current session",
    description:
      "Revokes the session of the access token (its `sid`) and, if a `refreshToken` of the same user is given, that token's session too. Needs an access token, not an API key.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireSession] as const,
    request: { body: { required: false, content: { "application/json": { schema: logoutBody } } } },
    responses: { 204: { description: "Logged out" }, ...errors(400, 401, 403, 413, 415, 422) },
  }),
  async (c) => {
    const deps = serviceDeps(c);
    await logout(deps.db, c.var.auth.userId, callerSession(c), deps.now(), c.req.valid("json").refreshToken);
    return c.body(null, 204);
  },
);
