import { ApiError } from "@edgeworks/http";
import type { CachedLink } from "../link-cache";
import type { Device, LinkRule } from "../validation";

/** A 410 that may carry the link's fallback URL. */
export class LinkGone extends ApiError {
  constructor(
    detail: string,
    readonly fallback: string | null,
  ) {
    super("gone", detail);
  }
}

/**
 * The first rungs of the redirect's guard ladder, in order: not found → disabled → expired (time, or
 * the click cap already known to be reached). Throws the answer; returns the link when it may go on.
 */
export function assertAvailable(link: CachedLink | null, now: number): CachedLink {
  if (!link) throw new ApiError("not_found", "No link has this slug");
  if (link.disabled) throw new ApiError("not_found", "This link is disabled");
  if (link.expiresAt !== null && now >= link.expiresAt) throw new LinkGone("This link has expired", link.expiredUrl);
  if (link.maxClicks !== null && link.exhausted) throw new LinkGone("This link has reached its click limit", link.expiredUrl);
  return link;
}

/** What the rules look at. */
export interface Visitor {
  userAgent: string;
  /** ISO country from `request.cf`, absent locally. */
  country: string | null;
  acceptLanguage: string | null;
}

/** ios (iPhone, iPad, iPod), android, desktop (anything that is not a phone or tablet), or other. */
export function deviceOf(userAgent: string): Device | "other" {
  if (/iPhone|iPad|iPod/i.test(userAgent)) return "ios";
  if (/Android/i.test(userAgent)) return "android";
  if (/Mobi|Tablet|Windows Phone|BlackBerry|Opera Mini/i.test(userAgent)) return "other";
  return "desktop";
}

/** The visitor's first choice in `Accept-Language` (highest q, first on ties), lowercased; `*` ignored. */
export function preferredLanguage(header: string | null): string | null {
  if (!header) return null;
  let best: { tag: string; q: number } | null = null;
  for (const part of header.split(",").slice(0, 32)) {
    const [rawTag, ...params] = part.trim().split(";");
    const tag = rawTag?.trim().toLowerCase() ?? "";
    if (!/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { tag, q };
  }
  return best?.tag ?? null;
}

const languageMatches = (rule: string, visitor: string | null) => visitor !== null && (visitor === rule || visitor.startsWith(`${rule}-`));

function ruleMatches(rule: LinkRule, visitor: Visitor): boolean {
  switch (rule.type) {
    case "device":
      return deviceOf(visitor.userAgent) === rule.value;
    case "country":
      return visitor.country?.toUpperCase() === rule.value;
    case "language":
      return languageMatches(rule.value, preferredLanguage(visitor.acceptLanguage));
  }
}

/** The target for this visitor: the first matching rule's URL, else the link's URL. */
export function pickTarget(link: Pick<CachedLink, "url" | "rules">, visitor: Visitor): string {
  return link.rules.find((r) => ruleMatches(r, visitor))?.url ?? link.url;
}

/**
 * Appends the short URL's query to the target (UTM pass-through): a parameter the visitor sent
 * replaces the target's parameter of the same name; the others are kept.
 */
export function withQuery(target: string, search: string): string {
  if (search === "" || search === "?") return target;
  const url = new URL(target);
  const incoming = new URLSearchParams(search);
  for (const key of new Set(incoming.keys())) url.searchParams.delete(key);
  for (const [key, value] of incoming) url.searchParams.append(key, value);
  return url.href;
}

/** Never store a redirect: each click must reach the Worker to be counted and checked. */
export const NO_STORE = "private, no-store, max-age=0";
/** How long a browser may keep a permanent redirect. */
export const PERMANENT_MAX_AGE = 3600;

/**
 * `Cache-Control` for a redirect: 302/307 are never cached (counts stay true); 301/308 may be cached
 * for an hour (never past the expiry; privately when rules make the answer per-visitor), except when a
 * click cap or password needs every click to come back.
 */
export function cacheControlFor(link: CachedLink, now: number): string {
  if (link.redirectType === 302 || link.redirectType === 307) return NO_STORE;
  if (link.maxClicks !== null || link.passwordHash !== null) return NO_STORE;
  const untilExpiry = link.expiresAt === null ? PERMANENT_MAX_AGE : Math.floor((link.expiresAt - now) / 1000);
  const maxAge = Math.max(0, Math.min(PERMANENT_MAX_AGE, untilExpiry));
  return `${link.rules.length > 0 ? "private" : "public"}, max-age=${maxAge}`;
}
