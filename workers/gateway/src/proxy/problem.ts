// The proxy's own answers (refusals before any plugin, routing misses, upstream failures) as RFC 9457
// problem+json, shaped exactly like the admin API's (ApiError.toProblem), with the request id as `instance`.

import { ApiError, type ErrorCode, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";

/**
 * A problem+json response for `code`.
 *
 * @example return problem("not_found", "No route matches GET /v1/x", requestId);
 */
export function problem(code: ErrorCode, detail: string, instance?: string, headers?: Record<string, string>): Response {
  const error = new ApiError(code, detail);
  return new Response(JSON.stringify(error.toProblem(instance)), {
    status: error.status,
    headers: { ...headers, "Content-Type": PROBLEM_CONTENT_TYPE },
  });
}

/**
 * The response of anything a plugin threw: an ApiError keeps its status, code and headers; anything else is a
 * generic 500 (no message or stack leaks).
 *
 * @example catch (error) { return thrownProblem(error, ctx.requestId); }
 */
export function thrownProblem(error: unknown, instance?: string): Response {
  const apiError = error instanceof ApiError ? error : new ApiError("internal", "An unexpected error occurred");
  return new Response(JSON.stringify(apiError.toProblem(instance)), {
    status: apiError.status,
    headers: { ...apiError.headers, "Content-Type": PROBLEM_CONTENT_TYPE },
  });
}
