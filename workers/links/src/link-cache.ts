import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./deps";
import { type LinkRow, links } from "./schema";
import type { LinkRule, RedirectType } from "./validation";

/**
 * The slug → link cache in front of D1 for the redirect: one module with the keys, the TTLs, the
 * read-through, the write-back and the invalidation. Two layers:
 * 1. this isolate's memory (a few seconds, bounded size): a hot link costs no I/O at all;
 * 2. KV (an hour): shared by every isolate and location.
 * Every write to a link (PATCH, DELETE) drops both before answering, so the next redirect reads D1
 * again; in `wrangler dev` (one isolate) that is immediate. Another production isolate may serve its
 * memory copy for up to MEMORY_TTL_MS, well inside KV's own propagation time.
 * Misses are not cached: a slug created a moment ago must redirect at once.
 */

/** What the redirect needs to know about a link; nothing else is cached. */
export interface CachedLink {
  id: string;
  slug: string;
  url: string;
  redirectType: RedirectType;
  expiresAt: number | null;
  maxClicks: number | null;
  expiredUrl: string | null;
  passwordHash: string | null;
  rules: LinkRule[];
  passQuery: boolean;
  disabled: boolean;
  /** Set when the click cap was reached, so later visits answer 410 without asking the counter. */
  exhausted?: boolean;
}

/** Cache entries live an hour; invalidation on write keeps them right, the TTL bounds a lost race. */
export const LINK_CACHE_TTL_SECONDS = 3600;

/** How long this isolate trusts its memory copy of a link. */
export const MEMORY_TTL_MS = 10_000;
/** Most links kept in memory; the oldest entry goes first. */
const MEMORY_MAX_ENTRIES = 5_000;
const memory = new Map<string, { link: CachedLink; until: number }>();

function remember(link: CachedLink): void {
  memory.delete(link.slug);
  memory.set(link.slug, { link, until: Date.now() + MEMORY_TTL_MS });
  if (memory.size > MEMORY_MAX_ENTRIES) memory.delete(memory.keys().next().value as string);
}

function recall(slug: string): CachedLink | null {
  const hit = memory.get(slug);
  if (!hit) return null;
  if (hit.until > Date.now()) return hit.link;
  memory.delete(slug);
  return null;
}

const KEY_VERSION = "v1";
/** The cache key of a slug (versioned, so a change of the cached shape never reads old entries). */
export const linkCacheKey = (slug: string): string => `link:${KEY_VERSION}:${slug}`;

export const toCachedLink = (row: LinkRow): CachedLink => ({
  id: row.id,
  slug: row.slug,
  url: row.url,
  redirectType: row.redirectType as RedirectType,
  expiresAt: row.expiresAt,
  maxClicks: row.maxClicks,
  expiredUrl: row.expiredUrl,
  passwordHash: row.passwordHash,
  rules: row.rules,
  passQuery: row.passQuery,
  disabled: row.disabled,
});

/** Writes a link into both layers (call inside `waitUntil` on the hot path). */
export function writeCachedLink(cache: KVNamespace, link: CachedLink): Promise<void> {
  remember(link);
  return cache.put(linkCacheKey(link.slug), JSON.stringify(link), { expirationTtl: LINK_CACHE_TTL_SECONDS });
}

/** A redirect that read D1 just before a write may write its old copy back after it; a second delete this much later removes it. */
export const SECOND_INVALIDATION_MS = 2_000;

/**
 * Forgets a slug in both layers; awaited by every write so the next redirect sees the change. With
 * `defer` (waitUntil), the slug is forgotten once more a moment later: the delayed double delete that
 * closes the race with a concurrent read-through write-back.
 */
export async function invalidateCachedLink(cache: KVNamespace, slug: string, defer?: (p: Promise<unknown>) => void): Promise<void> {
  const forget = () => {
    memory.delete(slug);
    return cache.delete(linkCacheKey(slug));
  };
  await forget();
  defer?.(new Promise((r) => setTimeout(r, SECOND_INVALIDATION_MS)).then(forget).catch(() => undefined));
}

/**
 * Read-through: memory, else KV, else the live row from D1 (written back through `waitUntil`).
 * Null when no live link has this slug (deleted links are not found). `db` is built only on a miss.
 */
export async function readLinkThrough(
  deps: { cache: KVNamespace; db: () => Db; waitUntil: (p: Promise<unknown>) => void },
  slug: string,
): Promise<CachedLink | null> {
  const local = recall(slug);
  if (local) return local;
  const cached = await deps.cache.get<CachedLink>(linkCacheKey(slug), "json").catch(() => null); // KV down: D1 answers
  if (cached) {
    remember(cached);
    return cached;
  }
  const row = await deps
    .db()
    .select()
    .from(links)
    .where(and(eq(links.slug, slug), isNull(links.deletedAt)))
    .get();
  if (!row) return null;
  const link = toCachedLink(row);
  deps.waitUntil(writeCachedLink(deps.cache, link).catch(() => undefined));
  return link;
}
