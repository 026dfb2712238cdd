// RSS 2.0 and Atom 1.0 feeds of the latest published articles, for the whole blog and per author.

import { createRouter, errors, notFound } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { type Article, listArticles } from "../articles.service";
import { type BlogDb, blogDb } from "../db";
import type { BlogEnv } from "../product";
import { findProfileByUsername } from "../profiles.service";
import { publicOrigin } from "./present";
import { usernameParams } from "./validation";

export const FEED_SIZE = 20;

/** Text safe inside XML elements and attributes: the five specials escaped, characters XML 1.0 forbids dropped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML 1.0 forbids is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const escapeXml = (s: string) =>
  s.replace(XML_FORBIDDEN, "").replace(/[&<>"']/g, (ch) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[ch]};`);

interface FeedMeta {
  title: string;
  /** The feed's own URL. */
  self: string;
  origin: string;
}

const articleUrl = (origin: string, a: Article) => `${origin}/blog/api/articles/${encodeURIComponent(a.slug)}`;

export function renderRss(meta: FeedMeta, articles: Article[]): string {
  const e = escapeXml;
  const items = articles
    .map(
      (a) =>
        `<item><title>${e(a.title)}</title><link>${e(articleUrl(meta.origin, a))}</link><guid isPermaLink="true">${e(articleUrl(meta.origin, a))}</guid>` +
        `<description>${e(a.description)}</description><dc:creator>${e(a.author.username)}</dc:creator>` +
        `<pubDate>${new Date(a.publishedAt ?? a.createdAt).toUTCString()}</pubDate>${a.tagList.map((t) => `<category>${e(t)}</category>`).join("")}</item>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>` +
    `<title>${e(meta.title)}</title><link>${e(`${meta.origin}/blog/api/articles`)}</link><description>${e(meta.title)}</description>` +
    `<atom:link href="${e(meta.self)}" rel="self" type="application/rss+xml"/>` +
    `<lastBuildDate>${new Date(articles[0]?.publishedAt ?? 0).toUTCString()}</lastBuildDate>${items}</channel></rss>\n`
  );
}

export function renderAtom(meta: FeedMeta, articles: Article[]): string {
  const e = escapeXml;
  const entries = articles
    .map(
      (a) =>
        `<entry><id>${e(articleUrl(meta.origin, a))}</id><title type="text">${e(a.title)}</title>` +
        `<link rel="alternate" href="${e(articleUrl(meta.origin, a))}"/><published>${new Date(a.publishedAt ?? a.createdAt).toISOString()}</published>` +
        `<updated>${new Date(a.updatedAt).toISOString()}</updated><author><name>${e(a.author.username)}</name></author>` +
        `<summary type="text">${e(a.description)}</summary><content type="text">${e(a.body)}</content>` +
        `${a.tagList.map((t) => `<category term="${e(t)}"/>`).join("")}</entry>`,
    )
    .join("");
  const updated = new Date(Math.max(0, ...articles.map((a) => a.updatedAt))).toISOString();
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${e(meta.self)}</id><title type="text">${e(meta.title)}</title>` +
    `<updated>${updated}</updated><link rel="self" type="application/atom+xml" href="${e(meta.self)}"/>` +
    `<link rel="alternate" href="${e(`${meta.origin}/blog/api/articles`)}"/>${entries}</feed>\n`
  );
}

const CONTENT_TYPES = { rss: "application/rss+xml; charset=utf-8", atom: "application/atom+xml; charset=utf-8" } as const;
const xmlResponse = (description: string, kind: "rss" | "atom") => ({
  description,
  content: { [CONTENT_TYPES[kind].split(";")[0] as string]: { schema: z.string() } },
});

const route = (kind: "rss" | "atom", perAuthor: boolean) =>
  createRoute({
    operationId: `get${perAuthor ? "Author" : ""}${kind === "rss" ? "Rss" : "Atom"}Feed`,
    security: [],
    method: "get",
    path: perAuthor ? `/authors/{username}/feed.${kind}` : `/feed.${kind}`,
    tags: ["Feeds"],
    summary: `${kind === "rss" ? "RSS 2.0" : "Atom 1.0"} feed of the ${FEED_SIZE} latest published articles${perAuthor ? " of an author" : ""}`,
    ...(perAuthor ? { request: { params: usernameParams } } : {}),
    responses: { 200: xmlResponse("The feed", kind), ...(perAuthor ? errors(404, 422) : {}) },
  });

async function feed(db: BlogDb, env: Env, url: string, kind: "rss" | "atom", username?: string) {
  const origin = publicOrigin(env, url);
  const meta = { title: username ? `${username} on Edgeworks Blog` : "Edgeworks Blog", self: `${origin}${new URL(url).pathname}`, origin };
  const { articles } = await listArticles(db, "", { ...(username ? { author: username } : {}), limit: FEED_SIZE, offset: 0 });
  return new Response(kind === "rss" ? renderRss(meta, articles) : renderAtom(meta, articles), {
    headers: { "Content-Type": CONTENT_TYPES[kind], "Cache-Control": "public, max-age=300" },
  });
}

export const v1FeedsRouter = createRouter<BlogEnv>();
for (const kind of ["rss", "atom"] as const) {
  v1FeedsRouter.openapi(route(kind, false), (c) => feed(blogDb(c.env.DB), c.env, c.req.url, kind));
  v1FeedsRouter.openapi(route(kind, true), async (c) => {
    const { username } = c.req.valid("param" as never) as { username: string };
    const profile = await findProfileByUsername(blogDb(c.env.DB), username);
    if (!profile) throw notFound("Author");
    return feed(blogDb(c.env.DB), c.env, c.req.url, kind, profile.username);
  });
}
