import { ApiError, type ErrorCode, type FieldError } from "@edgeworks/http";

/**
 * What a Board RPC method returns. An ApiError thrown inside the Durable Object would reach the Worker
 * as a plain Error (RPC keeps only the message), so expected failures travel as data and the Worker
 * throws them again as the one error type (`unwrap`).
 */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; detail: string; errors?: FieldError[] };

/** Runs `fn`, turning an ApiError into a failed Result; anything else is a bug and propagates (500). */
export async function asResult<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, code: err.code, detail: err.message, ...(err.errors ? { errors: err.errors } : {}) };
    throw err;
  }
}

/** The value of a Result, or its failure thrown as an ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.detail, result.errors ? { errors: result.errors } : {});
}

/** A 422 for one body field. */
export const invalidField = (path: string, message: string): ApiError =>
  new ApiError("validation_failed", "The request has invalid fields", { errors: [{ path, location: "body", message }] });
