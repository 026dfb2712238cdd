import { dedupeAsciiCaseless, NOT_BLANK_NO_CONTROL, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

export const MAX_TITLE = 500;
/** Content: at most 1 MiB of UTF-8 (so also at most 1,048,576 code points, the documented maxLength). */
export const MAX_CONTENT_BYTES = 1024 * 1024;
export const MAX_TAGS = 20;
export const MAX_TAG = 50;
export const MAX_NOTEBOOK_NAME = 200;
/** The deepest a notebook may sit: a top-level notebook is at depth 1. */
export const MAX_NOTEBOOK_DEPTH = 10;

/** One line of text: not blank, no control characters (titles, names and tags); packages/http's rule, checked linearly. */
const LINE_CHARS = NOT_BLANK_NO_CONTROL;

const LINE_RULE = "Must not be blank or contain control characters (such as line breaks)";

const utf8Bytes = (s: string) => new TextEncoder().encode(s).byteLength;

export const title = () =>
  textField({ min: 1, max: MAX_TITLE, pattern: LINE_CHARS, rule: LINE_RULE, trim: true }).openapi({
    description: `1..${MAX_TITLE} characters on one line (no control characters), not blank; trimmed`,
    example: "Meeting notes",
  });

export const content = () =>
  textField({ min: 0, max: MAX_CONTENT_BYTES })
    .refine((s) => utf8Bytes(s) <= MAX_CONTENT_BYTES, "Must be at most 1 MiB of UTF-8")
    .openapi({ description: "Markdown, at most 1 MiB of UTF-8; no NUL characters", example: "# Agenda\n\n- budget\n- **launch**" });

export const notebookName = () =>
  textField({ min: 1, max: MAX_NOTEBOOK_NAME, pattern: LINE_CHARS, rule: LINE_RULE, trim: true }).openapi({
    description: `1..${MAX_NOTEBOOK_NAME} characters on one line (no control characters), not blank; trimmed`,
    example: "Work",
  });

/** A tag: 1..50 characters, not blank, no control characters; trimmed, case kept. */
export const tagName = () =>
  textField({ min: 1, max: MAX_TAG, pattern: LINE_CHARS, rule: LINE_RULE, trim: true }).openapi({
    example: "work",
  });

export const tagList = () =>
  z
    .array(tagName())
    .max(MAX_TAGS, `At most ${MAX_TAGS} tags`)
    .transform(dedupeAsciiCaseless)
    .openapi({
      description: `Up to ${MAX_TAGS} tags of 1..${MAX_TAG} characters; duplicates (ignoring ASCII case) are dropped`,
      example: ["work", "ideas"],
    });

/**
 * A query parameter that may repeat (`?tag=a&tag=b`): hono hands one value as a string and several as
 * an array; both become an array.
 */
export const repeatedTagQuery = () =>
  z
    .preprocess((v) => (typeof v === "string" ? [v] : v), z.array(tagName()).max(MAX_TAGS, `At most ${MAX_TAGS} tags`))
    .transform(dedupeAsciiCaseless)
    .openapi({
      param: { style: "form", explode: true },
      description: `Only notes carrying this tag (ASCII case ignored); repeat it (up to ${MAX_TAGS} times) to require several`,
    });

export const isoOut = () => z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });
