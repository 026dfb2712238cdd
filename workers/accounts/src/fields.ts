import { isoDateTime, NO_NUL, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

/** What our emailed and issued tokens are made of (base64url). */
const TOKEN_CHARS = /^[A-Za-z0-9_-]+$/;
/**
 * A pragmatic address: local part of 1..64 common characters, a dotted domain with a letter TLD;
 * surrounding spaces and tabs allowed (they are trimmed).
 */
export const EMAIL_PATTERN = /^[ \t]*[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}[ \t]*$/;
/** The shape `isoDateTime` accepts, for the OpenAPI document. */
const DATE_TIME_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$";
export const EMAIL_MAX = 254;

/** A secret typed by a person: kept exactly as given (not trimmed); blank is allowed, NUL is not. */
export const passwordField = (min: number, max: number) =>
  textField({ min, max, pattern: NO_NUL, rule: "Must not contain NUL characters" });

/** The longest token a request may carry (ours are 43 characters). */
export const TOKEN_MAX = 512;

/** An opaque token we issued (base64url), up to 512 characters. */
export const tokenField = () =>
  textField({ min: 1, max: TOKEN_MAX, pattern: TOKEN_CHARS, rule: "Must be a token of URL-safe base64 characters" });

/**
 * Whether `s` is shaped like a token we issue: 1..512 URL-safe base64 characters. The length is checked
 * before the (linear) pattern runs, so a 10k-character query parameter costs nothing.
 *
 * @example isTokenShaped("Zm9v") // true
 * @example isTokenShaped("a".repeat(10_000)) // false
 */
export const isTokenShaped = (s: unknown): s is string =>
  typeof s === "string" && s.length >= 1 && s.length <= TOKEN_MAX && TOKEN_CHARS.test(s);

/** An email address: trimmed and lower-cased after it is checked, so `Ann@Example.COM ` and `ann@example.com` are one account. */
export const emailField = () =>
  z
    .string()
    // abort: the pattern never sees an over-long input (zod would otherwise run it after a failed max)
    .max(EMAIL_MAX, { message: `Must be at most ${EMAIL_MAX} characters`, abort: true })
    .regex(EMAIL_PATTERN, "Must be an email address")
    .trim()
    .toLowerCase()
    .openapi({
      description: `An email address, at most ${EMAIL_MAX} characters; case and surrounding spaces are ignored`,
      example: "ann@example.com",
    });

/** An ISO-8601 date-time with a zone, as epoch ms. */
export const dateTimeField = () => isoDateTime().openapi({ format: "date-time", pattern: DATE_TIME_PATTERN });
