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

/** Parses `value` with `schema` or throws the same 422 problem the hook throws. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, location = "body"): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) validationHook({ success: false, error: result.error, target: location }, undefined as never);
  return (result as { data: z.output<T> }).data;
}

// Lone surrogates cannot be stored as UTF-8 and NUL breaks C-string consumers; refuse both up front.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN_CHARS = /\u0000/;

/**
 * A string that is well-formed Unicode (no lone surrogates) and has no NUL, trimmed, with bounds.
 *
 * @example const title = text({ min: 1, max: 500 });
 */
export function text({ min = 0, max, trim = true }: { min?: number; max: number; trim?: boolean }) {
  const base = trim ? z.string().trim() : z.string();
  return base
    .min(min, min === 1 ? "Must not be empty" : `Must be at least ${min} characters`)
    .max(max, `Must be at most ${max} characters`)
    .refine((s) => s.isWellFormed(), "Must be valid Unicode (no lone surrogates)")
    .refine((s) => !FORBIDDEN_CHARS.test(s), "Must not contain NUL characters");
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
