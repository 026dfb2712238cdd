import { requireScope } from "@edgeworks/auth";
import { ApiError, createRouter, errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { type AccountsEnv, mailDeps, requireAuth, serviceDeps } from "../product";
import { getMe, updateMe } from "../users.service";
import { updateMeBody, userEnvelope } from "../validation";

/** The caller's own profile. API keys need the `account:read` / `account:write` scope (or `*`). */
export const meRoutes = createRouter<AccountsEnv>();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
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
    tags: ["Profile"],
    summary: "Change the name or email",
    description:
      "A new email must not belong to another account (409); it becomes unverified and a verification message is queued. Changing the email needs an access token (an API key gets 403). `{}` changes nothing.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireScope("account:write")] as const,
    request: { body: jsonBody(updateMeBody) },
    responses: { 200: jsonResponse(userEnvelope, "The updated user"), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const input = c.req.valid("json");
    // the email is what password resets go to: a leaked API key must not be able to redirect them
    if (input.email !== undefined && c.var.auth.method !== "jwt") {
      throw new ApiError("forbidden", "Changing the email needs an access token from a session, not an API key");
    }
    return c.json({ user: await updateMe(mailDeps(c), c.var.auth.userId, input) }, 200);
  },
);
