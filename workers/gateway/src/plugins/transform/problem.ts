import { ApiError, type ErrorCode, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";

/**
 * A problem+json response answered by a plugin itself (the proxy adds ctx.responseHeaders on top), with the
 * request id as `instance` like every other problem of the platform.
 *
 * @example return problem(ctx.requestId, "payload_too_large", "The JSON body is larger than 1048576 bytes");
 */
export function problem(requestId: string, code: ErrorCode, detail: string, extensions?: Record<string, unknown>): Response {
  const err = new ApiError(code, detail, { extensions });
  return new Response(JSON.stringify(err.toProblem(requestId)), {
    status: err.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE },
  });
}
