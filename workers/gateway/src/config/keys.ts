// Consumers' API keys: `ewg_` + 32 base62 characters, stored only as SHA-256 hex, shown once. Keys are not
// part of the config (an export never contains one, a rollback never revives one); every change bumps the
// workspace revision and publishes, so a revoked key stops working at once here and within ~1 s elsewhere.
import { ApiError, notFound } from "@edgeworks/http";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { ConfigDeps } from "../deps";
import { cacheGenerations, consumerKeys, type WorkspaceRow, workspaces } from "../schema";
import { publish } from "./publish";
import { getConfig } from "./store";

export const API_KEY_PREFIX = "ewg_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Live keys a consumer may hold at once (rotation needs two). */
export const MAX_LIVE_KEYS = 10;

/** 32 uniform base62 characters (rejection sampling: bytes ≥ 248 are dropped, so no character is likelier). */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

/**
 * SHA-256 of a key, lower-case hex: what is stored and what `snapshot.keyHashes` is keyed by.
 *
 * @example const consumerId = snapshot.keyHashes[await hashApiKey(presented)];
 */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A key as listed (never the key itself). */
export interface ApiKeyInfo {
  id: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

const bumpRevision = (deps: Pick<ConfigDeps, "db" | "now">, workspaceId: string) =>
  deps.db
    .update(workspaces)
    .set({ revision: sql`${workspaces.revision} + 1`, updatedAt: deps.now() })
    .where(eq(workspaces.id, workspaceId));

async function requireConsumer(deps: ConfigDeps, ws: Pick<WorkspaceRow, "id">, consumerId: string): Promise<void> {
  const { config } = await getConfig(deps, ws);
  if (!config.consumers.some((c) => c.id === consumerId)) throw notFound("Consumer");
}

/**
 * Creates a key for a consumer of the current config and returns it — the only time the key is shown.
 * 404 for an unknown consumer, 409 `conflict` at 10 live keys.
 *
 * @example const { key } = await createApiKey(deps, ws, consumer.id); // "ewg_…"
 */
export async function createApiKey(
  deps: ConfigDeps,
  ws: Pick<WorkspaceRow, "id">,
  consumerId: string,
): Promise<{ id: string; key: string; prefix: string; createdAt: number }> {
  await requireConsumer(deps, ws, consumerId);
  const [live] = await deps.db
    .select({ n: count() })
    .from(consumerKeys)
    .where(and(eq(consumerKeys.workspaceId, ws.id), eq(consumerKeys.consumerId, consumerId), isNull(consumerKeys.revokedAt)));
  if ((live?.n ?? 0) >= MAX_LIVE_KEYS)
    throw new ApiError("conflict", `A consumer has at most ${MAX_LIVE_KEYS} live keys; revoke one first`);
  const key = API_KEY_PREFIX + randomBase62(32);
  const row = {
    id: `key_${nanoid(16)}`,
    workspaceId: ws.id,
    consumerId,
    keyHash: await hashApiKey(key),
    prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    createdAt: deps.now(),
    revokedAt: null,
  };
  await deps.db.batch([deps.db.insert(consumerKeys).values(row), bumpRevision(deps, ws.id)]);
  await publish(deps, ws.id);
  return { id: row.id, key, prefix: row.prefix, createdAt: row.createdAt };
}

/**
 * A consumer's keys, newest first (at most 100), revoked ones included with `revokedAt`.
 *
 * @example const keys = await listApiKeys(deps, ws, consumer.id);
 */
export async function listApiKeys(deps: Pick<ConfigDeps, "db">, ws: Pick<WorkspaceRow, "id">, consumerId: string): Promise<ApiKeyInfo[]> {
  return deps.db
    .select({ id: consumerKeys.id, prefix: consumerKeys.prefix, createdAt: consumerKeys.createdAt, revokedAt: consumerKeys.revokedAt })
    .from(consumerKeys)
    .where(and(eq(consumerKeys.workspaceId, ws.id), eq(consumerKeys.consumerId, consumerId)))
    .orderBy(desc(consumerKeys.createdAt), desc(consumerKeys.id))
    .limit(100);
}

/**
 * Revokes a live key at once (the snapshot is republished without it). 404 when the consumer has no such
 * live key.
 *
 * @example await revokeApiKey(deps, ws, consumer.id, keyId);
 */
export async function revokeApiKey(deps: ConfigDeps, ws: Pick<WorkspaceRow, "id">, consumerId: string, keyId: string): Promise<void> {
  const [revoked] = await deps.db.batch([
    deps.db
      .update(consumerKeys)
      .set({ revokedAt: deps.now() })
      .where(
        and(
          eq(consumerKeys.id, keyId),
          eq(consumerKeys.workspaceId, ws.id),
          eq(consumerKeys.consumerId, consumerId),
          isNull(consumerKeys.revokedAt),
        ),
      )
      .returning({ id: consumerKeys.id }),
    bumpRevision(deps, ws.id),
  ]);
  if (revoked.length === 0) throw notFound("Key");
  await publish(deps, ws.id);
}

/**
 * Purges a whole route from the cache plugin's cache by bumping its generation (part of every cache key):
 * old entries are simply never looked up again and expire. 404 for a route not in the current config.
 *
 * @example const { generation } = await purgeRoute(deps, ws, route.id);
 */
export async function purgeRoute(deps: ConfigDeps, ws: Pick<WorkspaceRow, "id">, routeId: string): Promise<{ generation: number }> {
  const { config } = await getConfig(deps, ws);
  if (!config.routes.some((r) => r.id === routeId)) throw notFound("Route");
  const [bumped] = await deps.db.batch([
    deps.db
      .insert(cacheGenerations)
      .values({ workspaceId: ws.id, routeId, generation: 1 })
      .onConflictDoUpdate({
        target: [cacheGenerations.workspaceId, cacheGenerations.routeId],
        set: { generation: sql`${cacheGenerations.generation} + 1` },
      })
      .returning({ generation: cacheGenerations.generation }),
    bumpRevision(deps, ws.id),
  ]);
  await publish(deps, ws.id);
  return { generation: bumped[0]?.generation ?? 1 };
}
