// The catch-all of /commerce/v1/*: the registry's longest matching route names the service; the request
// goes to its binding unchanged (method, path, query, body, headers minus hop-by-hop), with the
// request id and the correlation id; the answer streams back. The request body is read first (at most the
// app's body limit, else 413) and forwarded buffered: a service that answers without reading a streamed body
// (401/403/404/422) would otherwise break the gateway's own request ("Can't read from request stream after
// response has been sent"; the front door then answers 503 "Your worker restarted mid-request").
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from "@edgeworks/commerce-contracts";
import { ApiError, DEFAULT_BODY_LIMIT, PROBLEM_CONTENT_TYPE, readUpTo } from "@edgeworks/http";
import type { Context } from "hono";
import type { GatewayEnv } from "./product";
import { routeFor } from "./registry";
import { badGateway, bindingOf, serviceUnavailable, stripHopByHop } from "./upstream";

/** Headers a caller may not pass to a service (the front door and the gateway set them). */
const NOT_FORWARDED = ["x-forwarded-host", "x-forwarded-prefix"];

/** The whole body of `request`, or null when it has none; a body over `maxBytes` is a 413 problem (its rest drained within bounds: readUpTo). */
export async function readBody(request: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<Uint8Array | null> {
  if (!request.body) return null;
  const body = await readUpTo(request.body, maxBytes);
  if (body === null) throw new ApiError("payload_too_large", `The request body exceeds ${maxBytes} bytes`);
  return body;
}

export async function proxy(c: Context<GatewayEnv>): Promise<Response> {
  const { registry, correlationId, logger } = c.var.gateway;
  const path = c.req.path;
  const found = routeFor(registry.entries, path);
  if (!found) throw new ApiError("not_found", `No route for ${c.req.method} ${path}`);
  const { entry } = found;
  const binding = bindingOf(c.env, entry.binding);
  if (!binding) {
    logger.error("no binding for a registry entry", { service: entry.service, binding: entry.binding });
    throw serviceUnavailable(entry.service);
  }

  const headers = stripHopByHop(new Headers(c.req.raw.headers));
  for (const h of NOT_FORWARDED) headers.delete(h);
  headers.set(REQUEST_ID_HEADER, c.var.requestId);
  if (correlationId) headers.set(CORRELATION_ID_HEADER, correlationId);
  else headers.delete(CORRELATION_ID_HEADER);
  // read before the service is asked: it may answer without reading the body (see the top of the file)
  const body = await readBody(c.req.raw);
  if (body) headers.set("Content-Length", String(body.byteLength));
  const forwarded = new Request(c.req.url, { method: c.req.method, headers, body, redirect: "manual" });

  let upstream: Response;
  try {
    upstream = await binding.fetch(forwarded);
  } catch (err) {
    logger.error("service unreachable", { service: entry.service, error: String(err).slice(0, 300) });
    throw serviceUnavailable(entry.service);
  }
  const type = upstream.headers.get("Content-Type") ?? "";
  if (upstream.status >= 500 && !type.startsWith(PROBLEM_CONTENT_TYPE)) {
    await upstream.body?.cancel();
    logger.error("service answered an error without a problem document", { service: entry.service, status: upstream.status });
    return badGateway(entry.service, upstream.status, c.var.requestId);
  }
  const out = new Response(upstream.body, upstream);
  stripHopByHop(out.headers);
  out.headers.set(REQUEST_ID_HEADER, c.var.requestId);
  return out;
}
