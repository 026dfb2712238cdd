import { canParseUrl } from "@edgeworks/egress";
import { isoDateTime, NO_CONTROL, NO_NUL, NOT_BLANK_NO_CONTROL, textField } from "@edgeworks/http";

// The shared field builder (packages/http's textField): lengths count code points and are checked before
// trimming, and the character rules are one documented `pattern`, so the limits in the OpenAPI document
// are exactly what is accepted (clients and fuzzers generate from it).
/** An http(s) URL as typed: the scheme in any case, then no whitespace or control characters. */
const HTTP_URL = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/\S+$/;

/** A required one-line text of 1..`max` characters, not blank, no control characters; stored trimmed. */
export const requiredLine = (max: number) =>
  textField({ min: 1, max, pattern: NOT_BLANK_NO_CONTROL, rule: "Must not be blank or contain control characters", trim: true });

/** An optional one-line text of up to `max` characters without control characters; blank becomes null. */
export const optionalLine = (max: number) =>
  textField({ min: 0, max, pattern: NO_CONTROL, rule: "Must not contain control characters", trim: true }).transform((s) =>
    s === "" ? null : s,
  );

/** A secret of `min`..`max` characters, kept exactly as typed (no trimming), without NUL. */
export const secret = (min: number, max: number) => textField({ min, max, pattern: NO_NUL, rule: "Must not contain NUL characters" });

/**
 * An absolute http(s) URL of at most `max` characters, as typed. The full safety check (private
 * addresses, loops, blocklist) needs the request's host and runs in the service: @edgeworks/egress targetUrlProblem.
 */
export const httpUrl = (max: number) =>
  textField({ min: 1, max, pattern: HTTP_URL, rule: "Must be an absolute http(s) URL without spaces" })
    .refine(canParseUrl, "Must be an absolute http(s) URL")
    .openapi({ format: "uri" });

/** An ISO-8601 date-time with a zone, as epoch ms; documented as `format: date-time`. */
export const dateTime = () => isoDateTime().openapi({ format: "date-time" });
