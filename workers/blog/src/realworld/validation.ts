// Request and response schemas of the RealWorld API (the OpenAPI source). Messages are RealWorld's
// ("can't be blank", "is invalid", "is too long ..."), keyed by field name in `errors`.
import { z } from "@hono/zod-openapi";

const codePoints = (s: string) => [...s].length;
const isString = (i: { input?: unknown }) => (i.input === undefined || i.input === null ? "can't be blank" : "must be a string");
const clean = (s: string) => s.isWellFormed() && !s.includes("\u0000");

/** A required, non-blank text of at most `max` code points (trimmed unless `keep`). */
const text = (max: number, keep = false) => {
  const checked = z
    .string({ error: isString })
    .refine((s) => s.trim().length > 0, { message: "can't be blank", abort: true })
    .refine((s) => codePoints(s) <= max, `is too long (maximum is ${max} characters)`)
    .refine(clean, "is invalid");
  return (keep ? checked : checked.trim()).openapi({ minLength: 1, maxLength: max, pattern: "\\S" });
};

export const USERNAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
export const EMAIL_PATTERN = /^[ \t]*[A-Za-z0-9._%+'-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}[ \t]*$/;

const username = () =>
  text(64)
    .refine((s) => USERNAME_PATTERN.test(s), "is invalid (letters, digits, '_', '.', '-'; not starting with '.')")
    .openapi({ maxLength: 64, pattern: "^[A-Za-z0-9_-][A-Za-z0-9_.-]*$", example: "jake" });
const email = () =>
  z
    .string({ error: isString })
    .refine((s) => s.trim().length > 0, { message: "can't be blank", abort: true })
    .refine((s) => s.length <= 254, "is too long (maximum is 254 characters)")
    .refine((s) => EMAIL_PATTERN.test(s), "is invalid")
    .trim()
    .toLowerCase()
    .openapi({ maxLength: 254, format: "email", pattern: EMAIL_PATTERN.source, example: "jake@jake.jake" });
const password = (min: number) =>
  z
    .string({ error: isString })
    .refine((s) => s.length > 0, { message: "can't be blank", abort: true })
    .refine((s) => codePoints(s) >= min, `is too short (minimum is ${min} characters)`)
    .refine((s) => codePoints(s) <= 256, "is too long (maximum is 256 characters)")
    .refine(clean, "is invalid")
    .openapi({ minLength: min, maxLength: 256, format: "password" });

/** bio: text or null; "" is stored as null. */
const bio = () =>
  z
    .string({ error: "must be a string or null" })
    .refine((s) => codePoints(s) <= 2000, "is too long (maximum is 2000 characters)")
    .refine(clean, "is invalid")
    .nullable()
    .transform((s) => (s === null || s.trim() === "" ? null : s))
    .openapi({ maxLength: 2000 });
/** image: an http(s) URL or null; "" is stored as null. */
const image = () =>
  z
    .string({ error: "must be a string or null" })
    .refine((s) => s.length <= 2048, "is too long (maximum is 2048 characters)")
    .refine((s) => s.trim() === "" || /^https?:\/\/[^\s]+$/i.test(s.trim()), "must be an http(s) URL")
    .nullable()
    .transform((s) => (s === null || s.trim() === "" ? null : s.trim()))
    .openapi({ maxLength: 2048, example: "https://api.realworld.io/images/smiley-cyrus.jpg" });

const envelope = <K extends string, T extends z.ZodRawShape>(key: K, shape: T, name: string) => {
  const inner = z.object(shape, { error: (i) => (i.input === undefined ? "can't be blank" : "must be an object") }).openapi(name);
  return z.object({ [key]: inner } as Record<K, typeof inner>).openapi(`${name}Request`);
};

export const MAX_TAGS = 20;
const tagList = () =>
  z
    .array(text(64), { error: "must be an array of strings" })
    .max(MAX_TAGS, `has too many tags (maximum is ${MAX_TAGS})`)
    .transform((tags) => [...new Set(tags)].sort())
    .openapi({ description: `Up to ${MAX_TAGS} tags of 1..64 characters; duplicates are dropped, the list is sorted` });

export const newUserBody = envelope("user", { username: username(), email: email(), password: password(8) }, "NewUser");
export const loginBody = envelope("user", { email: email(), password: password(1) }, "LoginUser");
export const updateUserBody = envelope(
  "user",
  {
    email: email().optional(),
    username: username().optional(),
    password: password(8).optional().openapi({
      description:
        'The new password (8..256 characters, as at registration; `""` and `null` are refused with 422); needs a login within the last 5 minutes',
    }),
    bio: bio().optional(),
    image: image().optional(),
  },
  "UpdateUser",
);

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const BODY_MAX = 100_000;
export const newArticleBody = envelope(
  "article",
  { title: text(TITLE_MAX), description: text(DESCRIPTION_MAX), body: text(BODY_MAX, true), tagList: tagList().optional() },
  "NewArticle",
);
export const updateArticleBody = envelope(
  "article",
  {
    title: text(TITLE_MAX).optional(),
    description: text(DESCRIPTION_MAX).optional(),
    body: text(BODY_MAX, true).optional(),
    tagList: tagList().optional(),
  },
  "UpdateArticle",
);
export const COMMENT_MAX = 10_000;
export const newCommentBody = envelope("comment", { body: text(COMMENT_MAX, true) }, "NewComment");

export const slugParam = z.object({
  slug: z
    .string()
    .max(300)
    .openapi({ param: { name: "slug", in: "path" }, example: "how-to-train-your-dragon-1a2b3c4d" }),
});
export const usernameParam = z.object({
  username: z
    .string()
    .max(300)
    .openapi({ param: { name: "username", in: "path" }, example: "jake" }),
});
export const commentParams = slugParam.extend({
  id: z.coerce
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(1, "must be a positive integer")
    .max(Number.MAX_SAFE_INTEGER, "is too large")
    .openapi({ param: { name: "id", in: "path" }, type: "integer", example: 1 }),
});

/**
 * The deepest offset a page may start at: SQLite walks and drops every skipped row, so an unbounded offset
 * is a cheap way to spend the database's CPU. Deeper is refused (422), not clamped; filters narrow a list.
 */
export const MAX_OFFSET = 10_000;
const pageParams = {
  limit: z.coerce
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(20)
    .openapi({ type: "integer", minimum: 1, maximum: 100, default: 20, description: "Page size, 1..100 (default 20)" }),
  offset: z.coerce
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(0, "must be at least 0")
    .max(MAX_OFFSET, `must be at most ${MAX_OFFSET}`)
    .default(0)
    .openapi({
      type: "integer",
      minimum: 0,
      maximum: MAX_OFFSET,
      default: 0,
      description: `Articles to skip, 0..${MAX_OFFSET} (default 0)`,
    }),
};
const filter = (description: string) => z.string().max(300).optional().openapi({ description });
export const feedQuery = z.object(pageParams);
export const listQuery = z.object({
  tag: filter("Only articles with this tag"),
  author: filter("Only articles by this username"),
  favorited: filter("Only articles favorited by this username"),
  ...pageParams,
});

// ---- responses ----
const iso = () => z.string().openapi({ format: "date-time", example: "2026-02-18T03:22:56.637Z" });
export const profileSchema = z
  .object({ username: z.string(), bio: z.string().nullable(), image: z.string().nullable(), following: z.boolean() })
  .openapi("Profile");
export const userSchema = z
  .object({ email: z.string(), token: z.string(), username: z.string(), bio: z.string().nullable(), image: z.string().nullable() })
  .openapi("User");
const articleFields = {
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  tagList: z.array(z.string()),
  createdAt: iso(),
  updatedAt: iso(),
  favorited: z.boolean(),
  favoritesCount: z.number().int(),
  author: profileSchema,
};
export const articleSchema = z.object({ ...articleFields, body: z.string() }).openapi("Article");
export const articleListItemSchema = z.object(articleFields).openapi("ArticleListItem");
export const commentSchema = z
  .object({ id: z.number().int(), createdAt: iso(), updatedAt: iso(), body: z.string(), author: profileSchema })
  .openapi("Comment");
/**
 * RealWorld's error body, the only error shape of `/blog/api` (401, 403, 404, 409, 413, 415, 422, 429, 503):
 * `{"errors": {field: [message, ...]}}`, at least one field, each with at least one message (src/realworld/errors.ts).
 */
export const errorsSchema = z
  .strictObject({
    errors: z
      .record(z.string(), z.array(z.string()).min(1))
      .refine((e) => Object.keys(e).length > 0)
      .openapi({ minProperties: 1, description: "Messages by field (`body`, `title`, `token`, `article`…)" }),
  })
  .openapi("RealWorldErrors", { example: { errors: { title: ["can't be blank"] } } });
export const userEnvelope = z.object({ user: userSchema }).openapi("UserResponse");
export const profileEnvelope = z.object({ profile: profileSchema }).openapi("ProfileResponse");
export const articleEnvelope = z.object({ article: articleSchema }).openapi("SingleArticleResponse");
export const articlesEnvelope = z
  .object({ articles: z.array(articleListItemSchema), articlesCount: z.number().int() })
  .openapi("MultipleArticlesResponse");
export const commentEnvelope = z.object({ comment: commentSchema }).openapi("SingleCommentResponse");
export const commentsEnvelope = z.object({ comments: z.array(commentSchema) }).openapi("MultipleCommentsResponse");
export const tagsEnvelope = z.object({ tags: z.array(z.string()) }).openapi("TagsResponse");
