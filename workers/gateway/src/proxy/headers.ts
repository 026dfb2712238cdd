// What the proxy changes in headers on the way up and down: hop-by-hop headers belong to one connection and
// never cross it (RFC 9110 §7.6.1: Connection and the names it lists, Keep-Alive, TE, Trailer,
// Transfer-Encoding, Upgrade, Proxy-*), and the upstream learns who asked (X-Forwarded-*, Via).

/** Our `Via` entry (RFC 9110 §7.6.3). */
export const VIA = "1.1 edgeworks-gateway";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection"]);

/** Removes hop-by-hop headers (and those `Connection` names) from `headers`, in place. */
export function stripHopByHop(headers: Headers): void {
  const connection = headers.get("connection");
  if (connection) {
    for (const name of connection.split(",")) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed) headers.delete(trimmed);
    }
  }
  const proxyHeaders: string[] = [];
  for (const [name] of headers) {
    if (HOP_BY_HOP.has(name) || name.startsWith("proxy-")) proxyHeaders.push(name);
  }
  for (const name of proxyHeaders) headers.delete(name);
}

/** Appends to a list-valued header. */
function append(headers: Headers, name: string, value: string): void {
  const current = headers.get(name);
  headers.set(name, current ? `${current}, ${value}` : value);
}

/**
 * The headers sent upstream: the request's own minus hop-by-hop ones, plus X-Forwarded-For (the client's IP
 * appended), X-Forwarded-Proto and X-Forwarded-Host (as the client addressed the gateway) and Via.
 *
 * @example const headers = upstreamHeaders(ctx.request, ctx.clientIp, originalUrl);
 */
export function upstreamHeaders(request: Request, clientIp: string, clientUrl: URL): Headers {
  const headers = new Headers(request.headers);
  stripHopByHop(headers);
  if (clientIp !== "unknown") append(headers, "x-forwarded-for", clientIp);
  headers.set("x-forwarded-proto", clientUrl.protocol.slice(0, -1));
  headers.set("x-forwarded-host", clientUrl.host);
  append(headers, "via", VIA);
  return headers;
}

/**
 * The headers of the upstream's response as the client gets them: hop-by-hop ones removed, Via appended.
 *
 * @example new Response(body, { status, headers: downstreamHeaders(res.headers) });
 */
export function downstreamHeaders(upstream: Headers): Headers {
  const headers = new Headers(upstream);
  stripHopByHop(headers);
  append(headers, "via", VIA);
  return headers;
}
