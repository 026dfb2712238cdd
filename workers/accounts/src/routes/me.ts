import { requireScope } from "@edgeworks/auth";
import { ApiError, createRouter, errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { consume, enforce } from "../limits";
import { type AccountsEnv, mailDeps, requireAuth, serviceDeps } from "../product";
import { getMe, updateMe } from "../users.service";
import { updateMeBody, userEnvelope } from "../validation";

/** The caller's own profile. API keys need the `account:read` / `account:write` scope (or `*`). */
export const meRoutes = createRouter<AccountsEnv>();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    operationId: "getMe",
    tags: ["Profile"],
    summary: "The current user",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireScope("account:read")] as const,
    responses: { 200: jsonResponse(userEnvelope, "The current user"), ...errors(401, 403, 404) },
  }),
  async (c) => c.json({ user: await getMe(serviceDeps(c), c.var.auth.userId) }, 200),
);

meRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/me",
    operationId: "updateMe",
    tags: ["Profile"],
    summary: "Change the name or email",
    description:
      "A new email needs proof that the caller is the owner: `currentPassword`, or an access token whose login (`auth_time`) was within the last 5 minutes; otherwise 403 (a wrong `currentPassword` is 403 too; 10 attempts per 15 minutes per user, then 429). " +
      "It must not belong to another account (409). It is stored as `pendingEmail` and a verification message goes to it; the login and reset address stays `email` until that link is followed. " +
      "The current address gets a notice with a one-time link (`POST /email/revert`, valid 7 days) that restores it and ends every session and API key. " +
      "Sending the current `email` again cancels a pending change. Changing the email needs an access token (an API key gets 403). `{}` changes nothing.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireScope("account:write")] as const,
    request: { body: jsonBody(updateMeBody) },
    responses: { 200: jsonResponse(userEnvelope, "The updated user"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const { auth } = c.var;
    // the email is what password resets go to: a leaked API key must not be able to redirect them
    if (input.email !== undefined && auth.method !== "jwt") {
      throw new ApiError("forbidden", "Changing the email needs an access token from a session, not an API key");
    }
    // a stolen access token must not be able to guess the current password quickly
    if (input.email !== undefined && input.currentPassword !== undefined) {
      await enforce([consume(c.env.RATE_LIMITER, "passwordChangePerUser", auth.userId)], "password attempts");
    }
    const caller = { userId: auth.userId, authTimeMs: auth.authTime === undefined ? undefined : auth.authTime * 1000 };
    return c.json({ user: await updateMe(mailDeps(c), caller, input) }, 200);
  },
);
