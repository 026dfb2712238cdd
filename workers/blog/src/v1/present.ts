import { iso, problemSchema } from "@edgeworks/http";
import type { Article } from "../articles.service";

/** The /blog/v1 representation of an article: RealWorld's fields plus status, schedule, category and likes. */
export const presentV1Article = (a: Article) => ({
  slug: a.slug,
  title: a.title,
  description: a.description,
  body: a.body,
  tagList: a.tagList,
  status: a.status,
  publishAt: iso(a.publishAt),
  publishedAt: iso(a.publishedAt),
  category: a.category,
  createdAt: new Date(a.createdAt).toISOString(),
  updatedAt: new Date(a.updatedAt).toISOString(),
  favorited: a.favorited,
  favoritesCount: a.favoritesCount,
  liked: a.liked,
  likesCount: a.likesCount,
  author: a.author,
});

export const presentV1ListItem = (a: Article) => {
  const { body: _body, ...item } = presentV1Article(a);
  return item;
};

/** The origin for absolute URLs in feeds and emails: PUBLIC_ORIGIN, else the one the request came to. */
export const publicOrigin = (env: Env, requestUrl: string) => env.PUBLIC_ORIGIN || new URL(requestUrl).origin;

/**
 * `security` of a route whose credential is optional (a reader sees more with one, e.g. their own drafts):
 * anonymous (`{}`) or Bearer; a credential that is sent but bad is 401.
 */
export const optionalSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, {}];

/**
 * The 503 of a write that needs a credential: an account's first write makes its blog profile from its name in
 * accounts (src/product.ts ensureViewerProfile), so accounts being unreachable then is a 503.
 */
export const profileUnavailable = {
  503: {
    description: "The accounts service is unavailable (an account's first write makes its blog profile); retry later",
    content: { "application/problem+json": { schema: problemSchema } },
  },
};
