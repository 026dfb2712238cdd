// The Cache API side: the base entry (a salt), variants (stored responses with their own freshness
// stamps, so expiry and Age follow the request clock, not the platform's), reading and writing them.

/** The named cache every workspace shares; keys are scoped by workspace and route (see key.ts). */
export const CACHE_NAME = "gateway";

const STORED_AT = "x-gateway-stored-at";
const TTL = "x-gateway-ttl";
const ORIGINAL_CC = "x-gateway-cache-control";
// Added by the platform's cache on a match; never part of what the client gets.
const PLATFORM = ["cf-cache-status"];

/**
 * Opens the gateway's cache.
 *
 * @example const cache = await openCache();
 */
export const openCache = (): Promise<Cache> => caches.open(CACHE_NAME);

/**
 * The salt stored at a base key, or null when there is none (never stored, expired or purged).
 *
 * @example const salt = await readSalt(cache, base);
 */
export async function readSalt(cache: Cache, base: string): Promise<string | null> {
  const res = await cache.match(base);
  return res ? await res.text() : null;
}

/**
 * Stores a salt at a base key for `ttl` seconds (the longest a variant under it may live).
 *
 * @example await writeSalt(cache, base, newSalt(), 60);
 */
export function writeSalt(cache: Cache, base: string, salt: string, ttl: number): Promise<void> {
  return cache.put(base, new Response(salt, { headers: { "cache-control": `public, max-age=${ttl}` } }));
}

/**
 * A stored response still fresh at `now` (epoch ms), rebuilt for the client with `Age` (whole seconds
 * since it was stored) and without the bookkeeping headers; HEAD gets no body. Expired → null.
 *
 * @example const hit = await readFresh(cache, variant, ctx.receivedAt, false);
 */
export async function readFresh(cache: Cache, key: string, now: number, head: boolean): Promise<Response | null> {
  const stored = await cache.match(key);
  if (!stored) return null;
  const storedAt = Number(stored.headers.get(STORED_AT));
  const ttl = Number(stored.headers.get(TTL));
  if (!Number.isFinite(storedAt) || !Number.isFinite(ttl) || now >= storedAt + ttl * 1000) {
    await stored.body?.cancel();
    return null;
  }
  const headers = new Headers(stored.headers);
  const original = headers.get(ORIGINAL_CC);
  for (const h of [STORED_AT, TTL, ORIGINAL_CC, "cache-control", ...PLATFORM]) headers.delete(h);
  if (original) headers.set("cache-control", original);
  headers.set("age", String(Math.max(0, Math.floor((now - storedAt) / 1000))));
  if (head) await stored.body?.cancel();
  return new Response(head ? null : stored.body, { status: stored.status, statusText: stored.statusText, headers });
}

/** Errors the stream once more than `max` bytes pass, so an unbounded body is never stored. */
function capped(max: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) controller.error(new Error("body over the cache's maxBodyBytes"));
      else controller.enqueue(chunk);
    },
  });
}

/**
 * Stores `res` (a copy the caller no longer reads) under `key` for `ttl` seconds from `now`. The
 * upstream's Cache-Control is kept aside and restored on a hit; the stored copy carries the platform's
 * max-age so the entry is evicted on time even if never read again.
 *
 * @example exec.waitUntil(writeVariant(cache, key, res.clone(), 60, ctx.receivedAt, config.maxBodyBytes));
 */
export async function writeVariant(cache: Cache, key: string, res: Response, ttl: number, now: number, maxBytes: number): Promise<void> {
  const headers = new Headers(res.headers);
  const original = headers.get("cache-control");
  if (original) headers.set(ORIGINAL_CC, original);
  headers.set("cache-control", `public, max-age=${ttl}`);
  headers.set(STORED_AT, String(now));
  headers.set(TTL, String(ttl));
  for (const h of ["age", "x-cache", ...PLATFORM]) headers.delete(h);
  const body = res.body ? res.body.pipeThrough(capped(maxBytes)) : null;
  await cache.put(key, new Response(body, { status: res.status, statusText: res.statusText, headers }));
}
