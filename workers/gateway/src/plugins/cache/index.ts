import type { PluginDefinition, ProxyContext } from "../../contract";
import { baseKey, newSalt, variantKey } from "./key";
import { cacheBeforeGatekeeper, requestVerdict, storableFor } from "./policy";
import { type CacheConfig, schema } from "./schema";
import { openCache, readFresh, readSalt, writeSalt, writeVariant } from "./store";

type Status = "HIT" | "MISS" | "BYPASS";

/** Labels the answer: `X-Cache` on the response and the log record's cache status. */
function mark(ctx: ProxyContext, res: Response, status: Status): Response {
  ctx.log.cache = status;
  const out = new Response(res.body, res);
  out.headers.set("x-cache", status);
  return out;
}

/** The miss path: call the rest of the pipeline, and store what may be stored (in waitUntil). */
async function fetchAndStore(
  ctx: ProxyContext,
  config: CacheConfig,
  next: () => Promise<Response>,
  base: string,
  salt: string | null,
  keyFor: (salt: string) => Promise<string>,
) {
  const res = await next();
  // a HEAD answer has no body: storing it would serve empty GETs
  if (ctx.request.method !== "GET") return mark(ctx, res, "MISS");
  const verdict = storableFor(res, config);
  if ("reason" in verdict) return mark(ctx, res, "BYPASS");
  const out = mark(ctx, res, "MISS");
  const copy = out.clone();
  const cache = await openCache();
  const store = async () => {
    let s = salt;
    if (s === null) {
      s = newSalt();
      await writeSalt(cache, base, s, config.ttlSeconds);
    }
    await writeVariant(cache, await keyFor(s), copy, verdict.ttl, ctx.receivedAt, config.maxBodyBytes);
  };
  // a failed store (body over the cap, platform refusal) only costs a later miss
  ctx.exec.waitUntil(store().catch(() => undefined));
  return out;
}

/**
 * The `cache` plugin: GET/HEAD answers through the Cache API, keyed by workspace, route, the route's
 * cache generation (a purge bumps it), path, sorted query, the consumer and the hashed values of
 * `varyHeaders`. Never stores Set-Cookie, `private`/`no-store`/`no-cache`, statuses outside `statuses`.
 * Answers carry `X-Cache: HIT|MISS|BYPASS` (BYPASS: the request or the response was not cacheable) and,
 * on a hit, `Age`.
 *
 * @example { name: "cache", config: { ttlSeconds: 30, varyHeaders: ["Authorization"] } }
 */
export const plugin: PluginDefinition<typeof schema> = {
  name: "cache",
  schema,
  create: (config, route) => {
    const gatekeeperAfter = cacheBeforeGatekeeper(route);
    return async (ctx, next) => {
      const verdict = requestVerdict(ctx, config, gatekeeperAfter);
      if (verdict.kind === "bypass") return mark(ctx, await next(), "BYPASS");
      const cache = await openCache();
      const base = await baseKey(ctx.snapshot, ctx.route, ctx.upstreamPath, ctx.upstreamQuery);
      // the variant is what the request looked like here: later plugins may change its headers
      const { consumer } = ctx;
      const headers = ctx.request.headers;
      const keyFor = (salt: string) => variantKey(base, salt, config, consumer, headers);
      const salt = await readSalt(cache, base);
      if (salt !== null && !verdict.refresh) {
        const hit = await readFresh(cache, await keyFor(salt), ctx.receivedAt, ctx.request.method === "HEAD");
        if (hit) return mark(ctx, hit, "HIT");
      }
      return fetchAndStore(ctx, config, next, base, salt, keyFor);
    };
  },
};
