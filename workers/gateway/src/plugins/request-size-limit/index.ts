import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { concat } from "../../proxy/body";
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

/**
 * After a refusal, at most this much more of a chunked body (bytes), for at most DRAIN_MS, is read and thrown
 * away before the 413 goes out, as Go's net/http does with 256 KiB: a client that sent a little too much gets
 * its answer on a connection that stays usable, instead of one cut mid-body (wrangler dev's proxy then also
 * broke the next request on it). A longer or slower body is cut off.
 */
export const DRAIN_BYTES = 256 * 1024;
const DRAIN_MS = 1000;

/** Reads and discards what is left of `reader`, up to DRAIN_BYTES and DRAIN_MS; cancels it beyond. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), DRAIN_MS);
  });
  try {
    for (let left = DRAIN_BYTES; left >= 0; ) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") break;
      if (next.done) return;
      left -= next.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away: nothing left to drain
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads `body` up to `max` bytes: the bytes, or null once it goes over (the rest drained within bounds, or
 * the stream cancelled).
 *
 * @example const bytes = await readUpTo(request.body, 1024);
 */
export async function readUpTo(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await drain(reader);
      return null;
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

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
