import { verifyPassword } from "@edgeworks/auth";
import { ApiError, log } from "@edgeworks/http";
import { clientNetworkOf, consumeRateLimit, throwIfLimited } from "@edgeworks/ratelimit";
import { drizzle } from "drizzle-orm/d1";
import { clickEventOf } from "../analytics/click-event";
import { sendClick } from "../analytics/send-clicks";
import { type CachedLink, readLinkThrough, writeCachedLink } from "../link-cache";
import { assertAvailable, cacheControlFor, LinkGone, NO_STORE, pickTarget, withQuery } from "./guards";
import { passwordPage } from "./pages";
import { type Exchange, errorResponse, exchangeOf, logRequest, page, prefersJson, readBody, redirect, unexpectedError } from "./respond";

/** Password attempts per visitor network (IPv6 /64, IPv4 address) per link: 5 per 5 minutes. */
export const PASSWORD_POLICY = { limit: 5, periodMs: 5 * 60_000 };
/**
 * Password attempts per link from all networks together: 60 per 10 minutes (a burst of 60, then one
 * every 10 s), so guessing from many /64s is as slow as from a few. It limits only this link's form:
 * the owner's API is keyed by user, so a stranger hitting the ceiling can't lock the owner out of
 * managing the link (or changing its password).
 */
export const LINK_PASSWORD_POLICY = { limit: 60, periodMs: 10 * 60_000 };
/** The password form's body is tiny; anything bigger is refused before it is read. */
export const MAX_FORM_BYTES = 8 * 1024;

const loadLink = (x: Exchange, slug: string): Promise<CachedLink | null> =>
  readLinkThrough({ cache: x.env.LINK_CACHE, db: () => drizzle(x.env.DB), waitUntil: (p) => x.ctx.waitUntil(p) }, slug);

const capOf = (env: Env, linkId: string) => env.CLICK_CAP.get(env.CLICK_CAP.idFromName(linkId));

/** The expiry rung for a capped link whose cache does not know yet: asks the counter without counting. */
async function assertCapNotReached(env: Env, link: CachedLink): Promise<void> {
  if (link.maxClicks === null) return;
  const { exhausted } = await capOf(env, link.id).peek(link.maxClicks);
  if (exhausted) throw new LinkGone("This link has reached its click limit", link.expiredUrl);
}

/** The prompt of a protected link: the HTML form, or a 401 problem for API clients. */
function passwordPrompt(x: Exchange, link: CachedLink, error: string | null): Response {
  if (prefersJson(x))
    throw new ApiError("unauthorized", error ?? "This link is password-protected: POST the form field `password` to this URL");
  return page(x, error ? 401 : 200, passwordPage(link.slug, error, x.requestId));
}

/**
 * The last rungs: the exact click cap (one Durable Object call, only for capped links), the rules,
 * the query pass-through; then the redirect. The click goes to the Queue in `waitUntil` (coalesced
 * with concurrent clicks).
 */
async function redirectTo(x: Exchange, link: CachedLink, status: number): Promise<Response> {
  const now = Date.now();
  if (link.maxClicks !== null) {
    const decision = await capOf(x.env, link.id).take(link.maxClicks);
    if (decision.exhausted) x.ctx.waitUntil(writeCachedLink(x.env.LINK_CACHE, { ...link, exhausted: true }).catch(() => undefined));
    if (!decision.allowed) throw new LinkGone("This link has reached its click limit", link.expiredUrl);
  }
  const { request } = x;
  let target =
    link.rules.length === 0
      ? link.url
      : pickTarget(link, {
          userAgent: request.headers.get("User-Agent") ?? "",
          country: ((request.cf as { country?: unknown } | undefined)?.country as string | undefined) ?? null,
          acceptLanguage: request.headers.get("Accept-Language"),
        });
  if (link.passQuery) {
    const q = request.url.indexOf("?");
    if (q !== -1) target = withQuery(target, request.url.slice(q));
  }
  sendClick(
    x.env.CLICKS,
    clickEventOf(request, link, now),
    (p) => x.ctx.waitUntil(p),
    (err) => log(x.env.LOG_LEVEL, "error", "click events not sent", { requestId: x.requestId, error: String(err) }),
  );
  return redirect(x, target, status, status === 303 ? NO_STORE : cacheControlFor(link, now));
}

/** GET|HEAD /{slug}: the guard ladder, then the redirect or the password form. */
async function follow(x: Exchange, slug: string): Promise<Response> {
  const link = assertAvailable(await loadLink(x, slug), Date.now());
  if (link.passwordHash === null) return redirectTo(x, link, link.redirectType);
  await assertCapNotReached(x.env, link);
  return passwordPrompt(x, link, null);
}

/**
 * One attempt from the caller's network budget, then (only if that allowed it, so one network can't
 * spend the whole link's budget) one from the link's ceiling; either refusal is a 429 with Retry-After.
 */
async function limitPasswordAttempts(x: Exchange, link: CachedLink): Promise<void> {
  const network = clientNetworkOf(x.request, x.env);
  const limiter = x.env.RATE_LIMITER;
  throwIfLimited(await consumeRateLimit(limiter, `link-password:${link.id}:${network}`, PASSWORD_POLICY), "password attempts");
  throwIfLimited(await consumeRateLimit(limiter, `link-password:${link.id}`, LINK_PASSWORD_POLICY), "password attempts on this link");
}

async function readPassword(x: Exchange): Promise<string | null> {
  const type = x.request.headers.get("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded with a `password` field");
  }
  const body = await readBody(x.request, MAX_FORM_BYTES);
  const form = await new Response(body, { headers: { "Content-Type": type } }).formData().catch(() => null);
  const value = form?.get("password");
  return typeof value === "string" && value.length > 0 && value.length <= 1024 ? value : null;
}

/**
 * POST /{slug}: the password form. Success is a 303 whatever the link's type, so the browser follows
 * with a GET and never re-sends the password to the target (a 307/308 would).
 */
async function unlock(x: Exchange, slug: string): Promise<Response> {
  if (Number(x.request.headers.get("Content-Length") ?? 0) > MAX_FORM_BYTES) {
    throw new ApiError("payload_too_large", `The request body exceeds ${MAX_FORM_BYTES} bytes`);
  }
  const link = assertAvailable(await loadLink(x, slug), Date.now());
  if (link.passwordHash === null) throw new ApiError("method_not_allowed", "Use GET or HEAD", { headers: { Allow: "GET, HEAD" } });
  await assertCapNotReached(x.env, link);
  const password = await readPassword(x);
  await limitPasswordAttempts(x, link);
  if (password === null || !(await verifyPassword(password, link.passwordHash))) return passwordPrompt(x, link, "Wrong password");
  return redirectTo(x, link, 303);
}

/**
 * The hot path, `GET|HEAD|POST /{slug}`, as plain functions rather than a router: no middleware
 * chain, no context object. A cached redirect costs no I/O before the answer — no KV when this
 * isolate has the link, no D1, no token verification — and analytics run after it. Errors are still
 * problem+json with the request id (or a small page for browsers), and the request is logged as
 * packages/http logs every other request.
 */
export async function serveRedirect(request: Request, env: Env, ctx: ExecutionContext, slug: string): Promise<Response> {
  const startedAt = Date.now();
  const x = exchangeOf(request, env, ctx);
  let response: Response;
  try {
    response = request.method === "POST" ? await unlock(x, slug) : await follow(x, slug);
  } catch (err) {
    if (err instanceof LinkGone && err.fallback) response = redirect(x, err.fallback, 302, NO_STORE);
    else if (err instanceof ApiError) response = errorResponse(x, err);
    else response = unexpectedError(x, err);
  }
  logRequest(x, response.status, startedAt);
  return request.method === "HEAD" && response.body ? new Response(null, response) : response;
}

/**
 * Anything but `/{slug}` on the short-link host (`SHORT_LINK_HOST`): a 404 (problem+json, or a small
 * page for browsers), so that domain serves short links and nothing else — no API, docs or health.
 */
export function shortHostMiss(request: Request, env: Env, ctx: ExecutionContext): Response {
  const startedAt = Date.now();
  const x = exchangeOf(request, env, ctx);
  const response = errorResponse(x, new ApiError("not_found", "Only short links are served on this host"));
  logRequest(x, response.status, startedAt);
  return request.method === "HEAD" ? new Response(null, response) : response;
}
