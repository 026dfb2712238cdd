import { requireScope } from "@edgeworks/auth";
import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { requestVerification, revertEmail, verifyEmail } from "../email-verification.service";
import { consume, enforce } from "../limits";
import { type AccountsEnv, mailDeps, optionalSession, requireAuth, serviceDeps } from "../product";
import { revertEmailBody, userEnvelope, verifyEmailBody } from "../validation";
import { formErrors, htmlContent, linkBody } from "./email-links";

// OpenAPI: no credential, or an access token (whose session the first verification keeps)
const OPTIONAL_BEARER: Record<string, string[]>[] = [{}, { bearerAuth: [] }];

/** Email-address verification. */
export const emailRoutes = createRouter<AccountsEnv>();

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/email/verify/request",
    operationId: "requestEmailVerification",
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
    operationId: "verifyEmail",
    tags: ["Email"],
    summary: "Confirm an email address with its token",
    description:
      "No authentication needed: the token is the proof. It confirms the account's address, or the pending new address (`pendingEmail`), which then becomes the account's login and reset address. " +
      "An unknown, expired or used token (or one sent to an address the account no longer has or wants) is 400; a pending address that another account took meanwhile is 409. " +
      "The first time any address of the account is proven, every session and API key made before ends (an account registered with someone else's address must not keep a way in), " +
      "except the session of the access token sent in `Authorization`, if any (optional; an invalid one is 401, an API key 403).",
    security: OPTIONAL_BEARER,
    request: { body: linkBody(verifyEmailBody, "verify") },
    responses: {
      200: {
        description: "The user, now verified (a form post: the 'verified' page)",
        content: { ...jsonResponse(userEnvelope, "").content, ...htmlContent },
      },
      ...errors(400, 401, 403, 409, 413, 415, 422),
      ...formErrors(400, 409, 415),
    },
  }),
  async (c) => {
    const caller = await optionalSession(c);
    return c.json({ user: await verifyEmail(serviceDeps(c), c.req.valid("json").token, caller) }, 200);
  },
);

emailRoutes.openapi(
  createRoute({
    method: "post",
    path: "/email/revert",
    operationId: "revertEmail",
    security: [],
    tags: ["Email"],
    summary: "Undo an email change with the token from the notice",
    description:
      "No authentication: the token (sent to the previous address when a change was asked for, valid 7 days, single use) is the proof. " +
      "The previous address is the account's again and counts as verified; a pending change is dropped; every session, API key and outstanding verification or reset link ends. " +
      "The password ends too (whoever changed the email may have changed it): a password-reset email goes to the restored address. An unknown, expired or used token is 400; an address that another account took meanwhile is 409.",
    request: { body: linkBody(revertEmailBody, "revert") },
    responses: {
      200: {
        description: "The user, with the previous address restored (a form post: the 'undone' page)",
        content: { ...jsonResponse(userEnvelope, "").content, ...htmlContent },
      },
      ...errors(400, 409, 413, 415, 422),
      ...formErrors(400, 409, 415),
    },
  }),
  async (c) => c.json({ user: await revertEmail(mailDeps(c), c.req.valid("json").token) }, 200),
);
