import { createRouter, errors, jsonBody } from "@edgeworks/http";
import { clientNetwork } from "@edgeworks/ratelimit";
import { createRoute } from "@hono/zod-openapi";
import { consume, enforce } from "../limits";
import { changePassword, forgotPassword, resetPassword } from "../passwords.service";
import { type AccountsEnv, afterResponse, callerSession, mailDeps, requireAuth, requireSession, serviceDeps } from "../product";
import { changePasswordBody, forgotPasswordBody, resetPasswordBody } from "../validation";
import { formErrors, htmlPage, linkBody } from "./email-links";

/** Changing, forgetting and resetting passwords. */
export const passwordRoutes = createRouter<AccountsEnv>();

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/password",
    operationId: "changePassword",
    tags: ["Passwords"],
    summary: "Change the password",
    description:
      "Needs proof that the caller is the owner: `currentPassword`, or an access token whose login (`auth_time`) was within the last 5 minutes; otherwise 403. A wrong `currentPassword` is 403 (the access token is fine; the proof is not). Every other session and every API key are revoked; the caller's session stays. Needs an access token, not an API key; 10 attempts per 15 minutes per user.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireSession] as const,
    request: { body: jsonBody(changePasswordBody) },
    responses: { 204: { description: "Changed" }, ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
  }),
  async (c) => {
    const { authTime } = c.var.auth;
    const caller = {
      userId: c.var.auth.userId,
      sessionId: callerSession(c),
      authTimeMs: authTime === undefined ? undefined : authTime * 1000,
    };
    await enforce([consume(c.env.RATE_LIMITER, "passwordChangePerUser", caller.userId)], "password change attempts");
    await changePassword(serviceDeps(c), caller, c.req.valid("json"));
    return c.body(null, 204);
  },
);

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/password/forgot",
    operationId: "requestPasswordReset",
    security: [],
    tags: ["Passwords"],
    summary: "Email a password-reset link",
    description:
      "Always 202, whether or not the address has an account. The email goes only to an account's address (never to a pending, unverified new one) and holds a single-use token valid for one hour. At most 3 emails per address per hour (more requests are still 202); 10 requests per 15 minutes per client network (IPv6 /64).",
    request: { body: jsonBody(forgotPasswordBody) },
    responses: { 202: { description: "Accepted: if the account exists, an email is on its way" }, ...errors(400, 413, 415, 422, 429) },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const ns = c.env.RATE_LIMITER;
    await enforce([consume(ns, "forgotPerIp", clientNetwork(c))], "password reset requests");
    const perEmail = await consume(ns, "forgotPerEmail", email);
    // after the response, so that its timing does not tell whether the account exists
    if (perEmail.allowed) afterResponse(c, forgotPassword(mailDeps(c), email), "password-reset email");
    return c.body(null, 202);
  },
);

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/password/reset",
    operationId: "resetPassword",
    security: [],
    tags: ["Passwords"],
    summary: "Set a new password with a reset token",
    description:
      "The token is single use and expires after an hour; an unknown, expired or used token is 400. Every session and every API key of the account is revoked.",
    request: { body: linkBody(resetPasswordBody, "reset") },
    responses: {
      200: htmlPage("A form post: the 'password changed, log in again' page"),
      204: { description: "The password is changed; log in again" },
      ...errors(400, 413, 415, 422),
      ...formErrors(400, 415, 422),
    },
  }),
  async (c) => {
    await resetPassword(serviceDeps(c), c.req.valid("json"));
    return c.body(null, 204);
  },
);
