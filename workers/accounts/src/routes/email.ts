import { requireScope } from "@edgeworks/auth";
import { createRouter, errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { requestVerification, verifyEmail } from "../email-verification.service";
import { consume, enforce } from "../limits";
import { type AccountsEnv, mailDeps, requireAuth, serviceDeps } from "../product";
import { userEnvelope, verifyEmailBody } from "../validation";

/** Email-address verification. */
export const emailRoutes = createRouter<AccountsEnv>();

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/email/verify/request",
    tags: ["Email"],
    summary: "Send a new verification email",
    description:
      "Queues a message with a token valid for 24 hours. 409 when the address is already verified; 5 requests per hour per user.",
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth, requireScope("account:write")] as const,
    responses: { 202: { description: "Accepted: the email is queued" }, ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => {
    await enforce([consume(c.env.RATE_LIMITER, "verifyRequestPerUser", c.var.auth.userId)], "verification emails");
    await requestVerification(mailDeps(c), c.var.auth.userId);
    return c.body(null, 202);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/email/verify",
    tags: ["Email"],
    summary: "Confirm an email address with its token",
    description: "No authentication: the token is the proof. An unknown, expired or used token (or one sent to a previous address) is 400.",
    request: { body: jsonBody(verifyEmailBody) },
    responses: { 200: jsonResponse(userEnvelope, "The user, now verified"), ...errors(400, 413, 415, 422) },
  }),
  async (c) => c.json({ user: await verifyEmail(serviceDeps(c), c.req.valid("json").token) }, 200),
);
