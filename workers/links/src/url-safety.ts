/** What a target URL is checked against besides the fixed rules. */
export interface UrlPolicy {
  /** Hostnames of this shortener (PUBLIC_ORIGIN's and the request's): a target there would loop. */
  ownHosts: readonly string[];
  /** Refused domains; each also refuses its subdomains. */
  blockedDomains: readonly string[];
}

export const MAX_URL_LENGTH = 2048;

/** Top-level names that only resolve inside a private network (RFC 6761, RFC 6762, RFC 8375, common practice). */
const PRIVATE_TLDS = new Set(["localhost", "local", "internal", "intranet", "lan", "home", "corp", "private"]);

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), as [network, prefix length]. */
const PRIVATE_V4: readonly [number, number][] = (
  [
    ["0.0.0.0", 8], // "this network"
    ["10.0.0.0", 8], // private
    ["100.64.0.0", 10], // carrier-grade NAT
    ["127.0.0.0", 8], // loopback
    ["169.254.0.0", 16], // link-local, cloud metadata endpoints
    ["172.16.0.0", 12], // private
    ["192.0.0.0", 24], // IETF protocol assignments
    ["192.0.2.0", 24], // documentation
    ["192.88.99.0", 24], // 6to4 relay anycast
    ["192.168.0.0", 16], // private
    ["198.18.0.0", 15], // benchmarking
    ["198.51.100.0", 24], // documentation
    ["203.0.113.0", 24], // documentation
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, broadcast
  ] as const
).map(([net, bits]) => [v4ToInt(net), bits]);

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function isPrivateV4(n: number): boolean {
  return PRIVATE_V4.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
}

/** The eight 16-bit groups of an IPv6 address as the URL parser serialises it (hex groups, `::`), or null. */
function parseV6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail].map((g) =>
    /^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN,
  );
  return groups.length === 8 && groups.every((g) => !Number.isNaN(g)) ? groups : null;
}

/**
 * True for IPv6 addresses outside public unicast: only 2000::/3 is global (RFC 4291), minus
 * documentation and Teredo; IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 inside.
 */
function isPrivateV6(g: number[]): boolean {
  const v4At = (hi: number, lo: number) => (g[hi] as number) * 65536 + (g[lo] as number);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return isPrivateV4(v4At(6, 7)); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPrivateV4(v4At(6, 7)); // NAT64
  if (g[0] === 0x2002) return isPrivateV4(v4At(1, 2)); // 6to4
  const first = g[0] as number;
  if ((first & 0xe000) !== 0x2000) return true; // ::, ::1, fc00::/7, fe80::/10, ff00::/8, ::/96 …
  if (first === 0x2001 && (g[1] === 0x0db8 || g[1] === 0)) return true; // documentation, Teredo
  return false;
}

/** `URL.canParse` (missing from the runtime types). */
export function canParseUrl(raw: string): boolean {
  try {
    new URL(raw);
    return true;
  } catch {
    return false;
  }
}

const hostOf = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "");

/**
 * Why `raw` may not be a redirect target, or null when it may: http(s) only, no credentials, no
 * private, loopback or link-local address in any spelling (the WHATWG parser turns `2130706433`,
 * `0x7f.1` and `0177.0.0.1` into `127.0.0.1` first), no `localhost` or private-network names, not this
 * shortener (loops), not a blocked domain, at most 2048 characters.
 *
 * @example targetUrlProblem("http://169.254.169.254/", policy) // "Must not point at a private …"
 */
export function targetUrlProblem(raw: string, policy: UrlPolicy): string | null {
  if (raw.length > MAX_URL_LENGTH) return `Must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Must be an absolute http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "Only http and https URLs are allowed";
  if (url.username || url.password || /^[a-z]+:\/*[^/?#]*@/i.test(raw)) return "Must not contain credentials (user@host)";
  const host = hostOf(url.hostname);
  if (!host) return "Must have a host";
  if (host.startsWith("[")) {
    const groups = parseV6(host.slice(1, -1));
    if (!groups || isPrivateV6(groups)) return "Must not point at a private, loopback or link-local address";
  } else if (IPV4.test(host)) {
    if (isPrivateV4(v4ToInt(host))) return "Must not point at a private, loopback or link-local address";
  } else {
    const labels = host.split(".");
    if (labels.length < 2 || PRIVATE_TLDS.has(labels.at(-1) as string) || host.endsWith(".home.arpa"))
      return "Must point at a public domain name";
  }
  if (policy.ownHosts.some((own) => hostOf(own) === host)) return "Must not point at this shortener (redirect loop)";
  const blocked = policy.blockedDomains.find((d) => host === d || host.endsWith(`.${d}`));
  if (blocked) return `The domain ${blocked} is blocked`;
  return null;
}

/** Parses the `BLOCKED_DOMAINS` var: comma- or space-separated, case-insensitive. */
export const parseBlockedDomains = (value: string | undefined): string[] =>
  (value ?? "")
    .split(/[\s,]+/)
    .map((d) => hostOf(d.trim()))
    .filter(Boolean);

/**
 * The URL to store and redirect to: the input itself when it is plain printable ASCII (so `Location`
 * is exactly what the owner typed), else the parser's serialisation (percent-encoded, punycode host),
 * which is what a browser would request anyway.
 */
export function canonicalTarget(raw: string): string {
  return /^[\x21-\x7e]+$/.test(raw) && !raw.includes("\\") ? raw : new URL(raw).href;
}
