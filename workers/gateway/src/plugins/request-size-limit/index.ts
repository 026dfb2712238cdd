import { readUpTo } from "@edgeworks/http";
import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { pluginProblem } from "../problem";

/** Workers accept request bodies up to 100 MB on most plans: a larger limit would never be reached. */
const MAX_LIMIT = 100 * 1024 * 1024;

const schema = z.strictObject({
  /** The largest request body passed upstream, in bytes (default 1 MiB). */
  maxBytes: z
    .number()
    .int()
    .min(0)
    .max(MAX_LIMIT)
    .default(1024 * 1024),
});
export type RequestSizeLimitConfig = z.output<typeof schema>;

function create(config: RequestSizeLimitConfig): GatewayMiddleware {
  const tooLarge = `The request body is over ${config.maxBytes} bytes`;
  return async function requestSizeLimit(ctx, next) {
    const body = ctx.request.body;
    if (body === null) return next();
    const declared = ctx.request.headers.get("content-length");
    if (declared !== null) {
      // the runtime holds a body to its Content-Length, so the declared size is the size
      const n = Number(declared);
      if (!Number.isSafeInteger(n) || n < 0) return pluginProblem(ctx, "bad_request", "Content-Length is not a byte count");
      if (n > config.maxBytes) return pluginProblem(ctx, "payload_too_large", tooLarge);
      return next();
    }
    // chunked, no length: count while reading, stop at the limit (the body is buffered, at most maxBytes)
    const bytes = await readUpTo(body, config.maxBytes);
    if (bytes === null) return pluginProblem(ctx, "payload_too_large", tooLarge);
    ctx.request = new Request(ctx.request, { body: bytes });
    return next();
  };
}

/**
 * The `request-size-limit` plugin: `{ maxBytes }` → 413 by Content-Length, or by counting a body sent
 * without one (chunked) while reading it.
 *
 * @example PLUGINS["request-size-limit"].schema.parse({ maxBytes: 65_536 })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "request-size-limit", schema, create };
