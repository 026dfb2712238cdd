import { sha256Hex } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "./deps";
import { idempotencyKeys } from "./schema";
import type { Todo } from "./validation";

/** How long a key is remembered; an older key is treated as new. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** JSON with object keys sorted, so two equal requests always hash the same. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** A fingerprint of the validated request, to tell a retry from a different request with the same key. */
export const hashRequest = (input: unknown): Promise<string> => sha256Hex(canonicalJson(input));

/** The live (unexpired) record of a key. */
export const findKey = (db: Db, userId: string, key: string, now: number) =>
  db
    .select({ requestHash: idempotencyKeys.requestHash, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)));

/** Forgets the user's expired keys, so an expired key can be used again in the same batch. */
export const purgeExpiredKeys = (db: Db, userId: string, now: number) =>
  db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), lte(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)));

/** Records a key with the response it produced; fails on the (user_id, key) primary key if it exists. */
export const insertKey = (db: Db, userId: string, key: string, requestHash: string, todo: Todo, now: number) =>
  db.insert(idempotencyKeys).values({ userId, key, requestHash, todoId: todo.id, response: JSON.stringify(todo), createdAt: now });

/**
 * The stored response for a retry, or a 422 when the key was first used with a different request
 * (draft-ietf-httpapi-idempotency-key-header §2.7: reusing a key for another payload is 422).
 */
export function replayOrThrow(stored: { requestHash: string; response: string }, requestHash: string): Todo {
  if (stored.requestHash !== requestHash) {
    throw new ApiError("validation_failed", "This Idempotency-Key was already used with a different request body", {
      errors: [{ path: "idempotency-key", location: "header", message: "Already used with a different request body" }],
    });
  }
  return JSON.parse(stored.response) as Todo;
}

/** True when a failed write broke a UNIQUE/PRIMARY KEY constraint (drizzle wraps the D1 error in `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT_PRIMARYKEY/.test(e.message)) return true;
  }
  return false;
}
