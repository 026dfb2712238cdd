import { verifyPassword } from "@edgeworks/auth";
import { ApiError, limitBody, log, onError, onNotFound, problemResponse, requestIds, requestLogger } from "@edgeworks/http";
import { clientIp, consumeRateLimit, throwIfLimited } from "@edgeworks/ratelimit";
import { drizzle } from "drizzle-orm/d1";
import { type Context, Hono } from "hono";
import { clickEventOf } from "../analytics/click-event";
import { sendClick } from "../analytics/send-clicks";
import { type CachedLink, readLinkThrough, writeCachedLink } from "../link-cache";
import { assertAvailable, cacheControlFor, LinkGone, NO_STORE, pickTarget, withQuery } from "./guards";
import { errorPage, PAGE_HEADERS, passwordPage } from "./pages";

type RedirectEnv = { Bindings: Env; Variables: { requestId: string } };
type RedirectContext = Context<RedirectEnv>;

/** Password attempts per visitor IP per link: 5 per 5 minutes. */
export const PASSWORD_POLICY = { limit: 5, periodMs: 5 * 60_000 };
/** The password form's body is tiny; anything bigger is refused before it is read. */
export const MAX_FORM_BYTES = 8 * 1024;

const prefersJson = (c: RedirectContext) => /json/i.test(c.req.header("Accept") ?? "");
const prefersHtml = (c: RedirectContext) => !prefersJson(c) && /text\/html/i.test(c.req.header("Accept") ?? "");

/** An error as a small HTML page for browsers, problem+json for everyone else; never cached. */
function renderError(c: RedirectContext, err: ApiError): Response {
  c.header("Cache-Control", NO_STORE);
  if (!prefersHtml(c)) return problemResponse(c, err);
  return c.html(errorPage(err.status, err.toProblem().title, err.message, c.var.requestId), err.status, {
    ...err.headers,
    ...PAGE_HEADERS,
  });
}

const loadLink = (c: RedirectContext): Promise<CachedLink | null> =>
  readLinkThrough(
    { cache: c.env.LINK_CACHE, db: () => drizzle(c.env.DB), waitUntil: (p) => c.executionCtx.waitUntil(p) },
    c.req.param("slug") as string,
  );

const capOf = (env: Env, linkId: string) => env.CLICK_CAP.get(env.CLICK_CAP.idFromName(linkId));

/** The expiry rung for a capped link whose cache does not know yet: asks the counter without counting. */
async function assertCapNotReached(env: Env, link: CachedLink): Promise<void> {
  if (link.maxClicks === null) return;
  const { exhausted } = await capOf(env, link.id).peek(link.maxClicks);
  if (exhausted) throw new LinkGone("This link has reached its click limit", link.expiredUrl);
}

/** The prompt of a protected link: the HTML form, or a 401 problem for API clients. */
function passwordPrompt(c: RedirectContext, link: CachedLink, error: string | null): Response {
  if (prefersJson(c)) {
    throw new ApiError("unauthorized", error ?? "This link is password-protected: POST the form field `password` to this URL");
  }
  return c.html(passwordPage(link.slug, error, c.var.requestId), error ? 401 : 200, PAGE_HEADERS);
}

/**
 * The last rungs: the exact click cap (one Durable Object call, only for capped links), the rules,
 * the query pass-through; then the redirect. The click event goes to the Queue in `waitUntil`
 * (coalesced with concurrent clicks).
 */
async function redirectTo(c: RedirectContext, link: CachedLink, status: 301 | 302 | 303 | 307 | 308): Promise<Response> {
  const now = Date.now();
  if (link.maxClicks !== null) {
    const decision = await capOf(c.env, link.id).take(link.maxClicks);
    if (decision.exhausted)
      c.executionCtx.waitUntil(writeCachedLink(c.env.LINK_CACHE, { ...link, exhausted: true }).catch(() => undefined));
    if (!decision.allowed) throw new LinkGone("This link has reached its click limit", link.expiredUrl);
  }
  const request = c.req.raw;
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
    c.env.CLICKS,
    clickEventOf(request, link, now),
    (p) => c.executionCtx.waitUntil(p),
    (err) => log(c.env.LOG_LEVEL, "error", "click events not sent", { requestId: c.var.requestId, error: String(err) }),
  );
  c.header("Cache-Control", status === 303 ? NO_STORE : cacheControlFor(link, now));
  return c.redirect(target, status);
}

async function readPassword(c: RedirectContext): Promise<string | null> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded with a `password` field");
  }
  const body = await c.req.parseBody();
  const value = body.password;
  return typeof value === "string" && value.length > 0 && value.length <= 1024 ? value : null;
}

/**
 * The hot path, `GET|HEAD|POST /{slug}`: its own small Hono app with only the request id and the
 * request log, so a cached redirect costs one KV read — no D1, no token verification, no body or
 * ETag middleware — and answers before analytics run.
 */
export const redirectApp = new Hono<RedirectEnv>();
redirectApp.use(requestIds(), requestLogger());

redirectApp.get("/:slug", async (c) => {
  const link = assertAvailable(await loadLink(c), Date.now());
  if (link.passwordHash === null) return redirectTo(c, link, link.redirectType);
  await assertCapNotReached(c.env, link);
  return passwordPrompt(c, link, null);
});

// The password form posts here. Success is a 303 whatever the link's type, so the browser follows
// with a GET and never re-sends the password to the target (a 307/308 would).
redirectApp.post("/:slug", limitBody(MAX_FORM_BYTES), async (c) => {
  const link = assertAvailable(await loadLink(c), Date.now());
  if (link.passwordHash === null) throw new ApiError("method_not_allowed", "Use GET or HEAD", { headers: { Allow: "GET, HEAD" } });
  await assertCapNotReached(c.env, link);
  const password = await readPassword(c);
  const decision = await consumeRateLimit(c.env.RATE_LIMITER, `link-password:${link.id}:${clientIp(c)}`, PASSWORD_POLICY);
  throwIfLimited(decision, "password attempts");
  if (password === null || !(await verifyPassword(password, link.passwordHash))) return passwordPrompt(c, link, "Wrong password");
  return redirectTo(c, link, 303);
});

redirectApp.onError((err, c) => {
  if (err instanceof LinkGone && err.fallback) {
    c.header("Cache-Control", NO_STORE);
    return c.redirect(err.fallback, 302);
  }
  if (err instanceof ApiError) return renderError(c, err);
  return onError(err, c);
});
redirectApp.notFound(onNotFound);
