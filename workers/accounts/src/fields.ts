import { isoDateTime } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

// Every limit here is documented in the OpenAPI document exactly as it is enforced, because clients and
// fuzzers generate requests from it: lengths count code points (as JSON Schema does) before trimming,
// and the character rules are one `pattern`. Only "no lone surrogates" cannot be said in JSON Schema.

// Whitespace is spelled out (JavaScript's \s, which is what trim() removes) rather than written \s,
// because other regex engines (Python's, used by fuzzers) disagree on \s; digits are [0-9] for the same reason.
const WS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
const NO_NUL = /^[^\u0000]*$/;
const NOT_BLANK_NO_NUL = new RegExp(`^[^\\u0000]*[^${WS}\\u0000][^\\u0000]*$`);
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

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * A string of `min..max` code points matching `pattern`, well-formed Unicode; trimmed afterwards if asked.
 *
 * @example const name = textField({ min: 1, max: 100, trim: true });
 */
export function textField({
  min,
  max,
  pattern = min > 0 ? NOT_BLANK_NO_NUL : NO_NUL,
  rule = min > 0 ? "Must not be blank or contain NUL characters" : "Must not contain NUL characters",
  trim = false,
}: {
  min: number;
  max: number;
  pattern?: RegExp;
  rule?: string;
  trim?: boolean;
}) {
  const checked = z
    .string()
    .refine((s) => codePoints(s) >= min, min === 1 ? "Must not be empty" : `Must be at least ${min} characters`)
    .refine((s) => codePoints(s) <= max, `Must be at most ${max} characters`)
    .regex(pattern, rule)
    .refine((s) => s.isWellFormed(), "Must be valid Unicode (no lone surrogates)");
  return (trim ? checked.trim() : checked).openapi({ minLength: min, maxLength: max });
}

/** A secret typed by a person: kept exactly as given (not trimmed); blank is allowed, NUL is not. */
export const passwordField = (min: number, max: number) =>
  textField({ min, max, pattern: NO_NUL, rule: "Must not contain NUL characters" });

/** An opaque token we issued (base64url), up to 512 characters. */
export const tokenField = () =>
  textField({ min: 1, max: 512, pattern: TOKEN_CHARS, rule: "Must be a token of URL-safe base64 characters" });

/** An email address: trimmed and lower-cased after it is checked, so `Ann@Example.COM ` and `ann@example.com` are one account. */
export const emailField = () =>
  z
    .string()
    .max(EMAIL_MAX, `Must be at most ${EMAIL_MAX} characters`)
    .regex(EMAIL_PATTERN, "Must be an email address")
    .trim()
    .toLowerCase()
    .openapi({
      description: `An email address, at most ${EMAIL_MAX} characters; case and surrounding spaces are ignored`,
      example: "ann@example.com",
    });

/** An ISO-8601 date-time with a zone, as epoch ms. */
export const dateTimeField = () => isoDateTime().openapi({ format: "date-time", pattern: DATE_TIME_PATTERN });
