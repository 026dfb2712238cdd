import type { CompiledRoute, ConsumerIdentity, Snapshot } from "../../contract";
import type { CacheConfig } from "./schema";

// Keys are URLs (the Cache API's key) on a host that can never resolve (`.invalid`, RFC 6761), so a key
// can never collide with a real URL the platform caches. Two levels:
//   base    = workspace / route / generation / sha256(method + path + sorted query)
//   variant = base / salt / sha256(consumer + varied header values)
// The base entry holds a random salt that every variant key includes: deleting the base (purgeKey) makes
// every variant of that path unreachable at once, whatever consumers and header values it was stored for.

const KEY_HOST = "https://gateway-cache.invalid";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The query in a canonical order: stably sorted by name, so `?b=1&a=2` and `?a=2&b=1` share an entry while
 * repeated names keep their relative order (`a=1&a=2` and `a=2&a=1` may mean different things).
 *
 * @example sortedQuery(new URLSearchParams("b=1&a=2")) // "a=2&b=1"
 */
export function sortedQuery(query: URLSearchParams): string {
  const q = new URLSearchParams(query);
  q.sort();
  return q.toString();
}

/**
 * The base key of a path on a route: what purge by key deletes. GET and HEAD share it (HEAD is answered
 * from the stored GET).
 *
 * @example await baseKey(snapshot, route, "/v1/users/7", new URLSearchParams("x=1"))
 */
export async function baseKey(
  snapshot: Pick<Snapshot, "workspaceId" | "cacheGenerations">,
  route: Pick<CompiledRoute, "id">,
  path: string,
  query: URLSearchParams,
): Promise<string> {
  const generation = snapshot.cacheGenerations[route.id] ?? 0;
  const hash = await sha256Hex(`GET ${path}?${sortedQuery(query)}`);
  return `${KEY_HOST}/${encodeURIComponent(snapshot.workspaceId)}/${encodeURIComponent(route.id)}/${generation}/${hash}`;
}

/**
 * The variant key under a base: the consumer (when the config varies by it, or lists Authorization) and
 * the listed request headers' values, hashed — raw credentials never appear in a key.
 *
 * @example await variantKey(base, salt, config, ctx.consumer, ctx.request.headers)
 */
export async function variantKey(
  base: string,
  salt: string,
  config: Pick<CacheConfig, "varyHeaders" | "varyConsumer">,
  consumer: ConsumerIdentity | null,
  headers: Headers,
): Promise<string> {
  const byConsumer = config.varyConsumer || config.varyHeaders.includes("authorization");
  const parts: unknown[] = [byConsumer ? (consumer?.id ?? null) : "*"];
  for (const name of config.varyHeaders) parts.push([name, headers.get(name)]);
  return `${base}/${salt}/${await sha256Hex(JSON.stringify(parts))}`;
}

/** A fresh salt for a base entry (96 random bits, hex). */
export function newSalt(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
