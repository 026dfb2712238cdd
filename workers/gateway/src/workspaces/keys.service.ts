import { ApiError, iso } from "@edgeworks/http";
import { createApiKey, listApiKeys, revokeApiKey } from "../config";
import { getConfig } from "../config/store";
import type { ConfigDeps } from "../deps";
import type { WorkspaceRow } from "../schema";
import { findEntity } from "./entities";

/** An API key as listed (the secret itself is shown once, at creation, and never again). */
export interface ApiKeyView {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The consumer's id, by id or username in the current config; 404 when it has none. */
async function consumerIdOf(deps: ConfigDeps, ws: WorkspaceRow, ref: string): Promise<string> {
  const { config } = await getConfig(deps, ws);
  const found = findEntity(config, "consumers", ref);
  if (!found) throw new ApiError("not_found", "Consumer not found");
  return String(found.entity.id);
}

/**
 * A new key for the consumer: `{ id, key, prefix, createdAt }`, the key in clear this once (stored hashed).
 *
 * @example const { key } = await issueKey(deps, ws, "mobile-app"); // "ewg_…"
 */
export async function issueKey(deps: ConfigDeps, ws: WorkspaceRow, consumerRef: string) {
  const issued = await createApiKey(deps, ws, await consumerIdOf(deps, ws, consumerRef));
  return { ...issued, createdAt: iso(issued.createdAt) };
}

/** The consumer's keys, live and revoked, without their secrets. */
export async function keysOf(deps: ConfigDeps, ws: WorkspaceRow, consumerRef: string): Promise<{ items: ApiKeyView[] }> {
  const consumerId = await consumerIdOf(deps, ws, consumerRef);
  const keys = await listApiKeys(deps, ws, consumerId);
  return { items: keys.map((k) => ({ id: k.id, prefix: k.prefix, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) })) };
}

/** Revokes one of the consumer's keys at once (the proxy stops accepting it with the next snapshot, ≤ 1 s); 404 for any other key. */
export async function revokeKey(deps: ConfigDeps, ws: WorkspaceRow, consumerRef: string, keyId: string): Promise<void> {
  await revokeApiKey(deps, ws, await consumerIdOf(deps, ws, consumerRef), keyId);
}

/** Revokes every live key of a consumer (it was deleted: a rollback that restores it must not revive its keys). */
export async function revokeConsumerKeys(deps: ConfigDeps, ws: WorkspaceRow, consumerId: string): Promise<void> {
  for (const k of await listApiKeys(deps, ws, consumerId)) if (!k.revokedAt) await revokeApiKey(deps, ws, consumerId, k.id);
}
