import { idParam, paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { dateTimeField, emailField, passwordField, tokenField } from "./fields";
import { OUTBOX_KINDS } from "./schema";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const MAX_SCOPES = 20;

export const email = emailField;
/** A new password: 8..256 characters, kept exactly as typed (not trimmed). */
const newPassword = passwordField(PASSWORD_MIN, PASSWORD_MAX).openapi({
  description: `${PASSWORD_MIN}..${PASSWORD_MAX} characters, kept exactly as typed`,
  example: "correct horse battery staple",
});
/** A password being checked: any length up to the maximum, so that validation says nothing about the rules. */
const givenPassword = passwordField(1, PASSWORD_MAX).openapi({ example: "correct horse battery staple" });
const name = () =>
  textField({ min: 1, max: 100, trim: true }).openapi({ description: "1..100 characters, not blank; trimmed", example: "Ann Lee" });
/** An opaque token from a response or an email. */
const opaqueToken = (description: string) => tokenField().openapi({ description });

/** `<resource>:<action>` in lower case (e.g. `todo:read`), or `*` for everything. */
export const SCOPE_PATTERN = /^(\*|[a-z][a-z0-9-]{0,31}:[a-z][a-z0-9-]{0,31})$/;
const scope = z
  .string()
  .regex(SCOPE_PATTERN, "Must be `*` or `<resource>:<action>` in lower case, e.g. `todo:read`")
  .openapi({ example: "todo:read" });

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const userSchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    email: z.string().openapi({ example: "ann@example.com" }),
    name: z.string().nullable().openapi({ example: "Ann Lee" }),
    createdAt: isoOut,
    emailVerified: z.boolean(),
    pendingEmail: z.string().nullable().openapi({
      description:
        "A new address asked for with `PATCH /me` and not yet verified: until its owner follows the link sent to it, `email` stays the login and reset address",
      example: null,
    }),
  })
  .openapi("User");
export type User = z.infer<typeof userSchema>;
export const userEnvelope = z.object({ user: userSchema }).openapi("UserEnvelope");

export const sessionSchema = z
  .object({
    user: userSchema,
    accessToken: z.string().openapi({ description: "ES256 JWT for `Authorization: Bearer`" }),
    refreshToken: z.string().openapi({ description: "Opaque, single use; exchange at `POST /auth/v1/refresh` within 30 days" }),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires", example: 900 }),
  })
  .openapi("Session");
export type Session = z.infer<typeof sessionSchema>;

export const registerBody = z.strictObject({ email: email(), password: newPassword, name: name().optional() }).openapi("Register");
export const loginBody = z.strictObject({ email: email(), password: givenPassword }).openapi("Login");
export const refreshBody = z
  .strictObject({ refreshToken: opaqueToken("The refresh token from the last session response") })
  .openapi("Refresh");
export const logoutBody = z
  .strictObject({ refreshToken: opaqueToken("Also revoke the session of this refresh token (if it is yours)").optional() })
  .openapi("Logout");
/** The current password as proof for a sensitive change; optional within 5 minutes of login. */
const currentPassword = () =>
  givenPassword.optional().openapi({
    description: "The current password. Needed unless the access token's login (`auth_time`) was within the last 5 minutes",
  });
export const updateMeBody = z
  .strictObject({
    name: name().nullable().optional().openapi({ description: "1..100 characters, not blank; null clears it" }),
    email: email().optional().openapi({
      description: "A new address: pending (`pendingEmail`) until verified; the current address is notified with a revert link",
    }),
    currentPassword: currentPassword(),
  })
  .openapi("UpdateMe");
export type UpdateMeInput = z.output<typeof updateMeBody>;
export const changePasswordBody = z.strictObject({ currentPassword: currentPassword(), newPassword }).openapi("ChangePassword");
export const forgotPasswordBody = z.strictObject({ email: email() }).openapi("ForgotPassword");
export const resetPasswordBody = z
  .strictObject({ token: opaqueToken("The token from the password-reset email"), newPassword })
  .openapi("ResetPassword");
export const verifyEmailBody = z.strictObject({ token: opaqueToken("The token from the verification email") }).openapi("VerifyEmail");
export const revertEmailBody = z
  .strictObject({ token: opaqueToken("The token from the email-change notice sent to the previous address") })
  .openapi("RevertEmail");

export const createApiKeyBody = z
  .strictObject({
    name: name().openapi({ description: "1..100 characters, not blank; trimmed", example: "CI deploys" }),
    scopes: z
      .array(scope)
      .min(1, "At least one scope")
      .max(MAX_SCOPES, `At most ${MAX_SCOPES} scopes`)
      .transform((s) => [...new Set(s)])
      .optional()
      .openapi({ description: 'Default `["*"]`; duplicates are dropped', example: ["todo:read", "todo:write"] }),
    expiresAt: dateTimeField().nullable().optional().openapi({
      description: "ISO-8601 date-time with a zone, in the future; omitted or null: never expires",
      example: "2027-01-01T00:00:00Z",
    }),
  })
  .openapi("CreateApiKey");
export type CreateApiKeyInput = z.output<typeof createApiKeyBody>;

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    name: z.string(),
    prefix: z.string().openapi({ description: "The visible start of the key", example: "ewk_AbCd1234" }),
    scopes: z.array(z.string()),
    createdAt: isoOut,
    lastUsedAt: isoOut.nullable(),
    expiresAt: isoOut.nullable(),
  })
  .openapi("ApiKey");
export type ApiKey = z.infer<typeof apiKeySchema>;
export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().openapi({ description: "The whole key. Shown only in this response: store it now." }) })
  .openapi("CreatedApiKey");
export const apiKeyParams = z.object({ id: idParam("API key id") });
export const listApiKeysQuery = z.object(paginationQuery);

export const outboxMessageSchema = z
  .object({
    id: z.string(),
    kind: z.enum(OUTBOX_KINDS),
    to: z.string(),
    subject: z.string(),
    body: z.string(),
    payload: z.record(z.string(), z.string()).openapi({ description: "Template data: the token, its link and expiry" }),
    createdAt: isoOut,
    sentAt: isoOut.nullable(),
  })
  .openapi("OutboxMessage");
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
export const outboxQuery = z.object({
  to: email().optional().openapi({ description: "Only messages to this address" }),
  limit: paginationQuery.limit,
});
