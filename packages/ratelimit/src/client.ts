import type { Context } from "hono";

/** The bindings the client address depends on: `DEV_MODE` (`"true"` only in development). */
export interface ClientIpEnv {
  DEV_MODE?: string;
}

/**
 * The caller's IP address from a raw `Request` (for code without a Hono context, such as a lean
 * redirect path). Cloudflare sets `CF-Connecting-IP` on every request at the edge, and the front door
 * passes it on over the service binding. `X-Real-IP` is anyone's to send, so it counts only in
 * development (`DEV_MODE` is `"true"`, as `pnpm dev` sets it) and only when no Cloudflare edge set
 * `CF-Connecting-IP`: the header is absent, or is the loopback address local workerd puts on every
 * request that lacks one (under `wrangler dev` every client would otherwise be 127.0.0.1). Otherwise a
 * missing address is `"unknown"` (one shared bucket).
 *
 * @example const ip = clientIpOf(request, env);
 */
export function clientIpOf(request: Request, env: ClientIpEnv | undefined): string {
  const cf = request.headers.get("CF-Connecting-IP")?.trim();
  const realIp = env?.DEV_MODE === "true" ? request.headers.get("X-Real-IP")?.trim() : undefined;
  if (realIp && (!cf || LOOPBACK.has(cf))) return realIp.slice(0, 64);
  return cf || "unknown";
}

/** What local workerd sets as `CF-Connecting-IP` when a request has none. */
const LOOPBACK = new Set(["127.0.0.1", "::1"]);

/**
 * The caller's IP address ({@link clientIpOf} for a Hono context).
 *
 * @example const ip = clientIp(c);
 */
export const clientIp = (c: Context): string => clientIpOf(c.req.raw, c.env as ClientIpEnv | undefined);

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail expanded), or null
 * when the text is not one. Linear: at most 45 characters, checked before any pattern.
 *
 * @example parseIpv6("::ffff:10.0.0.1") // [0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]
 */
export function parseIpv6(ip: string): number[] | null {
  if (ip.length > 45 || !/^[0-9a-fA-F:.]+$/.test(ip)) return null;
  let text = ip;
  const v4 = text.match(/:(\d{1,3}(?:\.\d{1,3}){3})$/);
  if (v4?.[1]) {
    const parts = v4[1].split(".").map(Number);
    if (parts.some((p) => p > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === "" ? [] : s.split(":"));
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

export interface NetworkOptions {
  /** Prefix length for IPv4 addresses: 32 (the address itself, the default) or 24 (its /24). */
  v4Prefix?: 32 | 24;
}

/**
 * The network a client address belongs to, as a rate-limit key: IPv6 by its /64 (one subscriber's
 * allocation: a single host can use 2^64 addresses, so per-address keys are no limit at all), IPv4
 * by the address or, with `v4Prefix: 24`, its /24. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as IPv4.
 * Anything unparseable is returned lower-cased and cut to 64 characters.
 *
 * @example networkKey("2001:db8:1:2:aaaa::1") // "2001:db8:1:2::/64"
 */
export function networkKey(ip: string, options: NetworkOptions = {}): string {
  const v4Prefix = options.v4Prefix ?? 32;
  const v4 = ip.match(IPV4);
  if (v4) {
    const parts = v4.slice(1, 5).map(Number);
    if (parts.some((p) => p > 255)) return ip.slice(0, 64);
    return v4Prefix === 24 ? `${parts.slice(0, 3).join(".")}.0/24` : parts.join(".");
  }
  const groups = parseIpv6(ip);
  if (!groups) return ip.toLowerCase().slice(0, 64);
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return networkKey(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`, options);
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** The caller's network ({@link networkKey} of {@link clientIp}): the key for per-client limits. */
export const clientNetwork = (c: Context, options?: NetworkOptions): string => networkKey(clientIp(c), options);

/**
 * The caller's network from a raw `Request` ({@link networkKey} of {@link clientIpOf}).
 *
 * @example consumeRateLimit(env.RATE_LIMITER, `form:${clientNetworkOf(request, env)}`, policy);
 */
export const clientNetworkOf = (request: Request, env: ClientIpEnv | undefined, options?: NetworkOptions): string =>
  networkKey(clientIpOf(request, env), options);
