import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { UNSUBSCRIBE_TOKEN_LENGTH } from "../queues/email-settings";

const security = [{ bearerAuth: [] }];

/** My notification settings. */
export const notificationSettingsSchema = z
  .object({
    email: z.boolean().openapi({
      description:
        "Emails about new messages while I am offline (at most one per room per 15 minutes, only to a verified address). Default true.",
    }),
  })
  .openapi("NotificationSettings");

/** The body of `PATCH /notifications/settings`. */
export const notificationSettingsBody = z
  .strictObject({ email: z.boolean().openapi({ description: "false turns chat notification emails off; true turns them back on" }) })
  .openapi("NotificationSettingsInput");

/** The unsubscribe link's token (checked by length first, then a linear pattern). */
export const unsubscribeQuery = z.object({
  token: z
    .string()
    .length(UNSUBSCRIBE_TOKEN_LENGTH, { abort: true })
    .regex(/^[A-Za-z0-9_-]+$/, "Must be the token of an unsubscribe link")
    .openapi({ description: "The token of the unsubscribe link in a chat email (43 base64url characters)" }),
});

/** `GET /notifications/settings`. */
export const getNotificationSettingsRoute = createRoute({
  operationId: "getNotificationSettings",
  tags: ["Notifications"],
  security,
  method: "get",
  path: "/notifications/settings",
  summary: "My notification settings",
  responses: { 200: jsonResponse(notificationSettingsSchema, "Settings"), ...errors(401, 403) },
});

/** `PATCH /notifications/settings` `{email}`. */
export const setNotificationSettingsRoute = createRoute({
  operationId: "updateNotificationSettings",
  tags: ["Notifications"],
  security,
  method: "patch",
  path: "/notifications/settings",
  summary: "Turn chat notification emails on or off",
  description:
    "In-app notifications and Web Push are not affected. The unsubscribe link in every chat email does the same as `{email: false}`.",
  request: { body: jsonBody(notificationSettingsBody) },
  responses: { 200: jsonResponse(notificationSettingsSchema, "The settings now"), ...errors(400, 401, 403, 413, 415, 422, 429) },
});

const htmlPage = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

/** `GET /email/unsubscribe?token=`: the confirmation page (changes nothing). */
export const unsubscribePageRoute = createRoute({
  operationId: "showUnsubscribePage",
  tags: ["Notifications"],
  // the link's token is the credential
  security: [],
  method: "get",
  path: "/email/unsubscribe",
  summary: "The unsubscribe page of a chat email's link",
  description:
    "No login: the token is the credential. Shows a page with a button that turns chat emails off (a POST to the same URL); " +
    "opening the link changes nothing, so link scanners cannot unsubscribe anyone.",
  request: { query: unsubscribeQuery },
  responses: { 200: htmlPage("The confirmation page (or: already off)"), ...errors(404, 422) },
});

/** `POST /email/unsubscribe?token=`: turns the token owner's chat emails off. */
export const unsubscribeRoute = createRoute({
  operationId: "unsubscribeFromEmails",
  tags: ["Notifications"],
  // the link's token is the credential
  security: [],
  method: "post",
  path: "/email/unsubscribe",
  summary: "Turn chat emails off with an unsubscribe link",
  description:
    "No login: the token is the credential. Turns the token owner's chat notification emails off (idempotent). " +
    "Any body is ignored, so the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, form-encoded) works as well as the page's button.",
  request: { query: unsubscribeQuery },
  responses: { 200: htmlPage("Done: chat emails are off"), ...errors(404, 413, 422) },
});
