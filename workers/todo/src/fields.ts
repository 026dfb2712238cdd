import { isoDateTime, NOT_BLANK_NO_CONTROL, NOT_BLANK_NO_NUL, textField } from "@edgeworks/http";

// The shared field builder (packages/http's textField): lengths count code points and are checked before
// trimming, and the character rules are one documented `pattern`, so the limits in the OpenAPI document
// are exactly what is accepted (clients and fuzzers generate from it).

/**
 * A required string of 1..`max` characters that is not blank and has no NUL or lone surrogate;
 * stored trimmed.
 */
export const requiredText = (max: number, pattern = NOT_BLANK_NO_NUL, rule = "Must not be blank or contain NUL characters") =>
  textField({ min: 1, max, pattern, rule, trim: true });

/** An optional text of up to `max` characters without NUL or lone surrogates; blank becomes null. */
export const optionalText = (max: number) => textField({ min: 0, max, trim: true }).transform((s) => (s === "" ? null : s));

/** A tag: 1..50 characters, not blank, no control characters; trimmed, case kept. */
export const tagName = () =>
  requiredText(50, NOT_BLANK_NO_CONTROL, "Must not be blank or contain control characters").openapi({ example: "work" });

/** An ISO-8601 date-time with a zone, as epoch ms; documented as `format: date-time`. */
export const dateTime = () => isoDateTime().openapi({ format: "date-time" });
