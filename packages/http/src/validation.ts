import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError, type FieldError } from "./errors";

const LOCATIONS: Record<string, string> = { json: "body", form: "body", query: "query", param: "path", header: "header" };

/** Turns zod issues into the `errors` list of a 422 problem. */
export function fieldErrors(error: z.ZodError, location?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    ...(location ? { location } : {}),
    message: issue.message,
  }));
}

type HookResult = { success: true; data: unknown } | { success: false; error: z.ZodError; target?: string };

/**
 * The shared zod validation hook (`defaultHook` of every OpenAPIHono app): any failure becomes a
 * 422 problem with one entry per failing field.
 *
 * @example new OpenAPIHono({ defaultHook: validationHook })
 */
export const validationHook = (result: HookResult, _c: Context): void => {
  if (result.success) return;
  const location = result.target ? (LOCATIONS[result.target] ?? result.target) : undefined;
  throw new ApiError("validation_failed", "The request has invalid fields", {
    errors: fieldErrors(result.error, location),
  });
};

/**
 * A 422 for one field the schema could not judge (a rule that needs the database, the clock or two
 * fields at once), shaped exactly like the validation hook's: same detail, one entry in `errors`.
 *
 * @example if (expiresAt <= now) throw invalidField("expiresAt", "Must be in the future");
 * @example throw invalidField("to", "Must be after from", "query");
 */
export const invalidField = (path: string, message: string, location = "body"): ApiError =>
  new ApiError("validation_failed", "The request has invalid fields", { errors: [{ path, location, message }] });

// Every limit below is documented in the OpenAPI document exactly as it is enforced, because clients and
// fuzzers generate requests from it: lengths count code points (as JSON Schema does) before trimming,
// and the character rules are one `pattern`. Only "no lone surrogates" cannot be said in JSON Schema.
// Whitespace is spelled out (JavaScript's \s, which is what trim() removes) rather than written \s,
// because other regex engines (Python's, used by fuzzers) disagree on \s.
//
// Every pattern here is linear in a backtracking engine (checked by scripts/check-regex.mjs in `pnpm lint`):
// "not blank" is written as "leading whitespace, then the first non-whitespace character, then the rest",
// whose first two parts are disjoint character classes, so there is exactly one way to match and a failure
// at the end of a long text costs one pass. (The earlier `^[^X]*[^WS X][^X]*$` tried every split of the text
// between its two stars: quadratic, seconds of CPU for 160k characters ending in NUL.)
const WS_PRINTABLE = " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const WS = `\\t\\n\\v\\f\\r${WS_PRINTABLE}`;
const CONTROL = "\\u0000-\\u001f\\u007f";
/** Any text without NUL (which breaks C-string consumers). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
export const NO_NUL = /^[^\u0000]*$/;
/** Text that is not blank and has no NUL. */
export const NOT_BLANK_NO_NUL = new RegExp(`^[${WS}]*[^${WS}\\u0000][^\\u0000]*$`);

/** Any text without control characters (C0 and DEL): one-line fields, tags. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
export const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
/** Text that is not blank and has no control characters (leading whitespace is printable whitespace only). */
export const NOT_BLANK_NO_CONTROL = new RegExp(`^[${WS_PRINTABLE}]*[^${WS}${CONTROL}][^${CONTROL}]*$`);

/** A file name as shown to people: not blank, no control characters, no slashes (never a path). */
export const FILE_NAME = new RegExp(`^[${WS_PRINTABLE}]*[^${WS}${CONTROL}/\\\\][^${CONTROL}/\\\\]*$`);

/**
 * `s` without the characters for which `drop` is true at its start and/or end: a linear scan, for the
 * places a `/^x+|x+$/g` would backtrack quadratically (an unanchored `x+$` retries every start in a run).
 *
 * @example trimWhere("--a-b--", (ch) => ch === "-") // "a-b"
 * @example trimWhere("a==", (ch) => ch === "=", "end") // "a"
 */
export function trimWhere(s: string, drop: (ch: string) => boolean, side: "both" | "start" | "end" = "both"): string {
  let start = 0;
  let end = s.length;
  if (side !== "end") while (start < end && drop(s.charAt(start))) start++;
  if (side !== "start") while (end > start && drop(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/** The number of code points in `s`, counting no further than `limit` (so a huge string costs no more than the limit). */
const codePointsUpTo = (s: string, limit: number): number => {
  let n = 0;
  for (const _ of s) if (++n > limit) break;
  return n;
};

/**
 * A string of `min..max` code points matching `pattern` (default: not blank and no NUL when `min > 0`,
 * else no NUL), well-formed Unicode (no lone surrogates, which cannot be stored as UTF-8); trimmed
 * afterwards if asked. `minLength`/`maxLength`/`pattern` in the OpenAPI document are exactly these rules.
 * The length is checked first and a string that is too long is not matched against the pattern: zod runs
 * every check even after one failed, and a pattern over a megabyte of input is wasted (or worse) work.
 * The patterns exported here are linear and use the spelled-out whitespace class (never `\s`, which other
 * regex engines read differently); a caller's own `pattern` must be linear too (scripts/check-regex.mjs).
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
  const tooShort = min === 1 ? "Must not be empty" : `Must be at least ${min} characters`;
  const checked = z.string().superRefine((s, ctx) => {
    const length = codePointsUpTo(s, max);
    if (length < min) ctx.addIssue({ code: "custom", message: tooShort });
    if (length > max) {
      ctx.addIssue({ code: "custom", message: `Must be at most ${max} characters` });
      return;
    }
    if (!pattern.test(s)) ctx.addIssue({ code: "custom", message: rule });
    if (!s.isWellFormed()) ctx.addIssue({ code: "custom", message: "Must be valid Unicode (no lone surrogates)" });
  });
  return (trim ? checked.trim() : checked).openapi({ minLength: min, maxLength: max, pattern: pattern.source });
}

/** An ISO-8601 date-time with offset, normalised to a UTC epoch-ms number. */
export const isoDateTime = () =>
  z
    .string()
    .max(40)
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
      "Must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z",
    )
    .transform((s) => Date.parse(s));

/** An id path parameter: URL-safe characters only, so `../` or SQL-ish text never reaches a query. */
export const idParam = (description = "Resource id") =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters")
    .openapi({ param: { name: "id", in: "path" }, description, example: "V1StGXR8_Z5jdHi6B-myT" });

/** `true`/`false` in a query string. */
export const queryBoolean = () => z.enum(["true", "false"]).transform((v) => v === "true");

/**
 * Drops later duplicates that differ only in ASCII case, keeping the order: the same folding as
 * SQLite's `lower()` (ASCII only), so a list deduped here and a query that matches with `lower()`
 * can never disagree (tags).
 *
 * @example dedupeAsciiCaseless(["Work", "work", "Ärger", "ärger"]) // ["Work", "Ärger", "ärger"]
 */
export function dedupeAsciiCaseless(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
