// Plugins answer refusals themselves (a Response, not a throw): the proxy's pipeline then logs and sends it
// like any other answer, with ctx.responseHeaders (RateLimit-*, X-Request-Id, CORS) merged in.
import { ApiError, type ErrorCode, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";
import type { ProxyContext } from "../contract";

/**
 * An `application/problem+json` response for a refusal by a plugin; `ctx.log.error` records the code.
 *
 * @example return pluginProblem(ctx, "forbidden", "This consumer may not use this route");
 */
export function pluginProblem(
  ctx: Pick<ProxyContext, "requestId" | "log">,
  code: ErrorCode,
  detail: string,
  options: { headers?: Record<string, string>; extensions?: Record<string, unknown>; logCode?: string } = {},
): Response {
  const error = new ApiError(code, detail, { headers: options.headers, extensions: options.extensions });
  ctx.log.error = options.logCode ?? code;
  return new Response(JSON.stringify(error.toProblem(ctx.requestId)), {
    status: error.status,
    headers: { ...options.headers, "Content-Type": PROBLEM_CONTENT_TYPE },
  });
}

/** Header names as RFC 9110 tokens (what a config may name), 1..64 characters. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
