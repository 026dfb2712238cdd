import { isoDateTime } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { canParseUrl } from "./url-safety";

// Lengths are checked before trimming and the character rules are one `pattern`, so that the limits
// in the OpenAPI document are exactly what is accepted (clients and fuzzers generate from it).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const NOT_BLANK_NO_CONTROL = /^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
const NO_NUL = /^[^\u0000]*$/;
/** An http(s) URL as typed: the scheme in any case, then no whitespace or control characters. */
const HTTP_URL = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/\S+$/;

const wellFormed = (s: string) => s.isWellFormed();
const LONE_SURROGATE = "Must be valid Unicode (no lone surrogates)";

/** A required one-line text of 1..`max` characters, not blank, no control characters; stored trimmed. */
export const requiredLine = (max: number) =>
  z
    .string()
    .min(1, "Must not be empty")
    .max(max, `Must be at most ${max} characters`)
    .regex(NOT_BLANK_NO_CONTROL, "Must not be blank or contain control characters")
    .refine(wellFormed, LONE_SURROGATE)
    .trim();

/** An optional one-line text of up to `max` characters without control characters; blank becomes null. */
export const optionalLine = (max: number) =>
  z
    .string()
    .max(max, `Must be at most ${max} characters`)
    .regex(NO_CONTROL, "Must not contain control characters")
    .refine(wellFormed, LONE_SURROGATE)
    .trim()
    .transform((s) => (s === "" ? null : s));

/** A secret of `min`..`max` characters, kept exactly as typed (no trimming), without NUL. */
export const secret = (min: number, max: number) =>
  z
    .string()
    .min(min, `Must be at least ${min} characters`)
    .max(max, `Must be at most ${max} characters`)
    .regex(NO_NUL, "Must not contain NUL characters")
    .refine(wellFormed, LONE_SURROGATE);

/**
 * An absolute http(s) URL of at most `max` characters, as typed. The full safety check (private
 * addresses, loops, blocklist) needs the request's host and runs in the service: src/url-safety.ts.
 */
export const httpUrl = (max: number) =>
  z
    .string()
    .min(1, "Must not be empty")
    .max(max, `Must be at most ${max} characters`)
    .regex(HTTP_URL, "Must be an absolute http(s) URL without spaces")
    .refine(canParseUrl, "Must be an absolute http(s) URL")
    .openapi({ format: "uri" });

/** An ISO-8601 date-time with a zone, as epoch ms; documented as `format: date-time`. */
export const dateTime = () => isoDateTime().openapi({ format: "date-time" });
