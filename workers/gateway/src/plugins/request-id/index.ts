import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { HEADER_NAME } from "../problem";

const schema = z.strictObject({
  /** The header that carries the id, upstream and back. */
  header: z.string().regex(HEADER_NAME, "must be a header name (token, ≤ 64 characters)").default("X-Request-Id"),
  /** Put the id on the response too. */
  echo: z.boolean().default(true),
});
export type RequestIdConfig = z.output<typeof schema>;

/** An id a client may choose: ≤ 128 characters of `[A-Za-z0-9._:-]` (nothing that could split a header or a log line). */
const SANE_ID = /^[A-Za-z0-9._:-]+$/;

/**
 * The client's id when it is sane (so a trace spans systems), else the gateway's own.
 *
 * @example requestIdOf("abc-1", "gw-id") // "abc-1"
 */
export function requestIdOf(incoming: string | null, own: string): string {
  if (incoming === null || incoming.length === 0 || incoming.length > 128) return own;
  return SANE_ID.test(incoming) ? incoming : own;
}

function create(config: RequestIdConfig): GatewayMiddleware {
  return async function requestId(ctx, next) {
    const id = requestIdOf(ctx.request.headers.get(config.header), ctx.requestId);
    const headers = new Headers(ctx.request.headers);
    headers.set(config.header, id);
    ctx.request = new Request(ctx.request, { headers });
    if (config.echo) ctx.responseHeaders.set(config.header, id);
    return next();
  };
}

/**
 * The `request-id` plugin: `{ header: "X-Request-Id", echo: true }` sends an id upstream (the client's when
 * sane, else the gateway's) and echoes it on the response.
 *
 * @example PLUGINS["request-id"].schema.parse({}) // { header: "X-Request-Id", echo: true }
 */
export const plugin: PluginDefinition<typeof schema> = { name: "request-id", schema, create };
