import { ApiError, type ErrorCode, type FieldError } from "@edgeworks/http";

/**
 * What a Durable Object RPC method returns when it can fail in an expected way. An ApiError thrown
 * inside the object reaches the Worker as a plain Error (RPC keeps only the message), so expected
 * failures travel as data and the Worker throws them again as the one error type ({@link unwrap}).
 *
 * @example
 * getBoard(userId: string): Promise<Result<Board>> { return asResult(() => this.store.boardFor(userId)); }
 */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail: string; errors?: FieldError[] };

/**
 * Runs `fn`, turning an ApiError into a failed Result; anything else is a bug and propagates (500).
 *
 * @example return asResult(() => { requireRole(userId, "admin"); return rename(name); });
 */
export async function asResult<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, code: err.code, detail: err.message, ...(err.errors ? { errors: err.errors } : {}) };
    throw err;
  }
}

/**
 * The value of a Result, or its failure thrown as an ApiError (rendered as problem+json by onError).
 *
 * @example const board = unwrap(await stub.getBoard(userId));
 */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.detail, result.errors ? { errors: result.errors } : {});
}
