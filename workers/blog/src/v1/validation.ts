// Schemas of the /blog/v1 extras (the OpenAPI source). Errors are problem+json.
import { isoDateTime, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { BODY_MAX, DESCRIPTION_MAX, MAX_OFFSET, MAX_TAGS, TITLE_MAX } from "../realworld/validation";

export const STATUSES = ["draft", "scheduled", "published"] as const;
const tagList = () =>
  z
    .array(textField({ min: 1, max: 64, trim: true }))
    .max(MAX_TAGS)
    .transform((tags) => [...new Set(tags)].sort())
    .openapi({ description: `Up to ${MAX_TAGS} tags; duplicates dropped, sorted` });
export const CATEGORY_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const categorySlug = () =>
  z.string().max(64).regex(CATEGORY_SLUG, "Must be a category slug (lower-case words joined by '-')").openapi({ example: "engineering" });
const publishAt = () =>
  isoDateTime().openapi({
    type: "string",
    format: "date-time",
    description: "When a `scheduled` article is published (must be in the future)",
    example: "2030-01-31T09:00:00Z",
  });

export const createArticleBody = z
  .strictObject({
    title: textField({ min: 1, max: TITLE_MAX, trim: true }),
    description: textField({ min: 1, max: DESCRIPTION_MAX, trim: true }),
    body: textField({ min: 1, max: BODY_MAX }),
    tagList: tagList().optional(),
    category: categorySlug().optional(),
    status: z.enum(STATUSES).default("draft").openapi({ description: "draft (default), scheduled (needs publishAt) or published" }),
    publishAt: publishAt().optional(),
  })
  .openapi("V1NewArticle");

export const updateArticleBody = z
  .strictObject({
    title: textField({ min: 1, max: TITLE_MAX, trim: true }).optional(),
    description: textField({ min: 1, max: DESCRIPTION_MAX, trim: true }).optional(),
    body: textField({ min: 1, max: BODY_MAX }).optional(),
    tagList: tagList().optional(),
    category: categorySlug().nullable().optional().openapi({ description: "A category slug, or null for none" }),
    status: z.enum(STATUSES).optional(),
    publishAt: publishAt().optional(),
  })
  .openapi("V1UpdateArticle");

export const newCategoryBody = z
  .strictObject({ name: textField({ min: 1, max: 80, trim: true }).openapi({ example: "Engineering" }) })
  .openapi("NewCategory");

export const slugParams = z.object({
  slug: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,300}$/, "Must be a slug")
    .openapi({ param: { name: "slug", in: "path" }, example: "hello-world-1a2b3c4d" }),
});
export const usernameParams = z.object({
  username: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "Must be a username")
    .openapi({ param: { name: "username", in: "path" }, example: "jake" }),
});
export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ type: "integer", minimum: 1, maximum: 100, default: 20, description: "1..100 (default 20)" }),
  offset: z.coerce
    .number()
    .int()
    .min(0, "Must be at least 0")
    .max(MAX_OFFSET, `Must be at most ${MAX_OFFSET}`)
    .default(0)
    .openapi({ type: "integer", minimum: 0, maximum: MAX_OFFSET, default: 0, description: `Items to skip, 0..${MAX_OFFSET} (default 0)` }),
});
export const searchQuery = pageQuery.extend({
  q: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => /[\p{L}\p{N}]/u.test(s), "Must contain a letter or digit")
    .openapi({
      description: "Words to find in title, description or body (all must match; the last one as a prefix)",
      example: "edge workers",
    }),
});

const iso = () => z.string().openapi({ format: "date-time" });
const profile = z.object({ username: z.string(), bio: z.string().nullable(), image: z.string().nullable(), following: z.boolean() });
export const v1ArticleSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    body: z.string(),
    tagList: z.array(z.string()),
    status: z.enum(STATUSES),
    publishAt: iso().nullable(),
    publishedAt: iso().nullable(),
    category: z.string().nullable(),
    createdAt: iso(),
    updatedAt: iso(),
    favorited: z.boolean(),
    favoritesCount: z.number().int(),
    liked: z.boolean(),
    likesCount: z.number().int(),
    author: profile,
  })
  .openapi("V1Article");
export const v1ArticleEnvelope = z.object({ article: v1ArticleSchema }).openapi("V1ArticleResponse");
export const v1ArticleListItem = v1ArticleSchema.omit({ body: true }).openapi("V1ArticleListItem");
export const v1ArticlesEnvelope = z
  .object({ articles: z.array(v1ArticleListItem), articlesCount: z.number().int() })
  .openapi("V1ArticlesResponse");
export const likesSchema = z.object({ slug: z.string(), likesCount: z.number().int(), liked: z.boolean() }).openapi("Likes");
export const categorySchema = z.object({ slug: z.string(), name: z.string(), articlesCount: z.number().int() }).openapi("Category");
