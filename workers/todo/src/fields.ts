import { isoDateTime } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

// Lengths are checked before trimming and the character rules are one `pattern`, so that the limits
// in the OpenAPI document are exactly what is accepted (clients and fuzzers generate from it).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
const NOT_BLANK_NO_NUL = /^[^\u0000]*[^\s\u0000][^\u0000]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
const NO_NUL = /^[^\u0000]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const TAG_CHARS = /^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$/;

const wellFormed = (s: string) => s.isWellFormed();
const LONE_SURROGATE = "Must be valid Unicode (no lone surrogates)";

/**
 * A required string of 1..`max` characters that is not blank and has no NUL or lone surrogate;
 * stored trimmed.
 */
export const requiredText = (max: number, pattern = NOT_BLANK_NO_NUL, rule = "Must not be blank or contain NUL characters") =>
  z
    .string()
    .min(1, "Must not be empty")
    .max(max, `Must be at most ${max} characters`)
    .regex(pattern, rule)
    .refine(wellFormed, LONE_SURROGATE)
    .trim();

/** An optional text of up to `max` characters without NUL or lone surrogates; blank becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .max(max, `Must be at most ${max} characters`)
    .regex(NO_NUL, "Must not contain NUL characters")
    .refine(wellFormed, LONE_SURROGATE)
    .trim()
    .transform((s) => (s === "" ? null : s));

/** A tag: 1..50 characters, not blank, no control characters; trimmed, case kept. */
export const tagName = () => requiredText(50, TAG_CHARS, "Must not be blank or contain control characters").openapi({ example: "work" });

/** An ISO-8601 date-time with a zone, as epoch ms; documented as `format: date-time`. */
export const dateTime = () => isoDateTime().openapi({ format: "date-time" });
