import { apiKeyPrefix, generateApiKey, hashApiKey, timingSafeEqual, type VerifiedApiKey } from "@edgeworks/auth";
import { ApiError, decodeCursor, encodeCursor, invalidCursor, invalidField, iso, notFound, toPage } from "@edgeworks/http";
import { and, count, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db, ServiceDeps } from "./deps";
import { rolesOf } from "./roles.service";
import { type ApiKeyRow, apiKeys } from "./schema";
import { getUserRowOrThrow } from "./user-row";
import type { ApiKey, CreateApiKeyInput } from "./validation";

/** Active keys per user; a cap so that a script gone wrong cannot fill the table. */
export const MAX_API_KEYS = 100;
/** last_used_at is written at most this often per key, so a busy key does not cost a write per request. */
export const LAST_USED_GRANULARITY_MS = 60_000;
const CURSOR_SCOPE = "apiKeys:createdAt:desc";

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  createdAt: new Date(row.createdAt).toISOString(),
  lastUsedAt: iso(row.lastUsedAt),
  expiresAt: iso(row.expiresAt),
});

/** The user's keys that are not revoked: the scope of every query here. */
const ownedActive = (userId: string, ...more: (SQL | undefined)[]) => and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt), ...more);

/**
 * Creates a key; the whole key is in this result only, the database keeps its SHA-256. The account's
 * address must be verified (403): a key made on an account registered with someone else's address
 * would otherwise outlive the owner's takeover of it.
 */
export async function createApiKey(deps: ServiceDeps, userId: string, input: CreateApiKeyInput): Promise<ApiKey & { key: string }> {
  const { db } = deps;
  const user = await getUserRowOrThrow(db, userId);
  if (user.emailVerifiedAt === null) throw new ApiError("forbidden", "Verify your email address before creating API keys");
  const now = deps.now();
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    throw invalidField("expiresAt", "Must be in the future");
  }
  const [active] = await db.select({ n: count() }).from(apiKeys).where(ownedActive(userId));
  if ((active?.n ?? 0) >= MAX_API_KEYS) throw new ApiError("conflict", `At most ${MAX_API_KEYS} active API keys; delete one first`);
  const { key, prefix, hash } = await generateApiKey();
  const row: ApiKeyRow = {
    id: nanoid(),
    userId,
    name: input.name,
    prefix,
    keyHash: hash,
    scopes: input.scopes ?? ["*"],
    createdAt: now,
    lastUsedAt: null,
    expiresAt,
    revokedAt: null,
  };
  await db.insert(apiKeys).values(row);
  return { ...toApiKey(row), key };
}

/** One page of the user's active keys, newest first. */
export async function listApiKeys(db: Db, userId: string, page: { limit: number; cursor?: string }) {
  let after: SQL | undefined;
  if (page.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(CURSOR_SCOPE, page.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") {
      throw invalidCursor();
    }
    after = or(lt(apiKeys.createdAt, createdAt), and(eq(apiKeys.createdAt, createdAt), lt(apiKeys.id, id)));
  }
  const rows = await db
    .select()
    .from(apiKeys)
    .where(ownedActive(userId, after))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = toPage(rows, page.limit, (last) => encodeCursor(CURSOR_SCOPE, [last.createdAt, last.id]));
  return { items: items.map(toApiKey), nextCursor };
}

/**
 * Revokes every active key of a user (a password reset or change, a reverted email change, the first
 * proof of the address), optionally only `when` a condition holds; for the caller's batch.
 */
export const revokeApiKeysOf = (db: Db, userId: string, now: number, when?: SQL) =>
  db.update(apiKeys).set({ revokedAt: now }).where(ownedActive(userId, when));

/** Revokes one of the user's keys; someone else's, an unknown or an already revoked key is 404. */
export async function revokeApiKey(deps: ServiceDeps, userId: string, id: string): Promise<void> {
  const result = await deps.db
    .update(apiKeys)
    .set({ revokedAt: deps.now() })
    .where(ownedActive(userId, eq(apiKeys.id, id)));
  if (result.meta.changes !== 1) throw notFound("API key");
}

/**
 * Checks a presented key: found by its prefix, compared by hash in constant time, refused when
 * revoked or expired. The owner's platform roles are read now (a grant or revoke counts at the key's
 * next use); the key's scopes still limit what it may do. The last-used time is written after the response.
 *
 * @example const principal = await verifyApiKey(deps, "ewk_AbCd1234_…"); // { userId, scopes, roles }
 */
export async function verifyApiKey(deps: ServiceDeps, key: string): Promise<VerifiedApiKey | null> {
  const prefix = apiKeyPrefix(key);
  if (prefix === null) return null;
  const { db } = deps;
  const [row, hash] = await Promise.all([
    db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
      .get(),
    hashApiKey(key),
  ]);
  if (!row || !timingSafeEqual(hash, row.keyHash)) return null;
  const now = deps.now();
  if (row.expiresAt !== null && row.expiresAt <= now) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    deps.defer(
      db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(eq(apiKeys.id, row.id))
        .then(() => undefined),
    );
  }
  return { userId: row.userId, scopes: row.scopes, roles: await rolesOf(db, row.userId) };
}
