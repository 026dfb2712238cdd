import { z } from "zod";
import { headerName } from "../transform/names";

/**
 * Statuses a cache may store without explicit freshness (RFC 9110 §15.1, "heuristically cacheable"),
 * minus 206: partial content is never stored (the Cache API refuses it and a range is not the resource).
 */
export const CACHEABLE_STATUSES = [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501] as const;

/**
 * The `cache` plugin's config.
 *
 * @example schema.parse({ ttlSeconds: 60, varyHeaders: ["Authorization", "Accept-Language"] })
 */
export const schema = z.strictObject({
  /** How long a stored response is served; an upstream `s-maxage`/`max-age` that is shorter wins. */
  ttlSeconds: z.int().min(1).max(86_400).default(60),
  /** Request headers whose values (hashed) are part of the key. List `Authorization` when the upstream answers per caller. */
  varyHeaders: z.array(headerName).max(10).default([]),
  /**
   * Part of the key: the consumer `auth` identified (default true). `false` shares entries between consumers
   * (a public catalogue behind API keys) — unless `varyHeaders` lists Authorization, which always keeps them apart.
   */
  varyConsumer: z.boolean().default(true),
  /** Which statuses are stored (a subset of {@link CACHEABLE_STATUSES}). */
  statuses: z
    .array(z.union(CACHEABLE_STATUSES.map((s) => z.literal(s))))
    .min(1)
    .max(CACHEABLE_STATUSES.length)
    .default([...CACHEABLE_STATUSES]),
  /**
   * The client's `Cache-Control: no-cache`/`no-store`: "ignore" (default: the cache protects the upstream, a
   * client cannot force it to be called) or "honor" (no-cache refetches and stores, no-store bypasses).
   */
  requestCacheControl: z.enum(["ignore", "honor"]).default("ignore"),
  /** Larger responses are not stored (1 KiB..25 MiB, default 1 MiB). */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(25 * 1024 * 1024)
    .default(1024 * 1024),
});
export type CacheConfig = z.output<typeof schema>;
