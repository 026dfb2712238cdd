import { parseIpv6 } from "@edgeworks/ratelimit";
import { hostnameProblem } from "./hostname-rules";
import { IPV4, isPrivateV4, isPrivateV6, v4ToInt } from "./ip-ranges";

/** What a URL is checked against besides the fixed rules. */
export interface UrlPolicy {
  /** Hostnames of the calling service itself (links: PUBLIC_ORIGIN's and the request's): a target there would loop. */
  ownHosts: readonly string[];
  /** Refused domains; each also refuses its subdomains. */
  blockedDomains: readonly string[];
  /** Ports a URL may name (its scheme's default counts as 80 or 443); any port when absent. */
  ports?: readonly number[];
}

export const MAX_URL_LENGTH = 2048;

/** Top-level names that only resolve inside a private network (RFC 6761, RFC 6762, RFC 8375, common practice). */
const PRIVATE_TLDS = new Set(["localhost", "local", "internal", "intranet", "lan", "home", "corp", "private"]);

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
 * `0x7f.1` and `0177.0.0.1` into `127.0.0.1` first), no `localhost` or private-network names, no
 * wildcard-DNS service, embedded private address or mixed-script label (src/hostname-rules.ts), not
 * this shortener (loops), not a blocked domain, only the policy's ports, at most 2048 characters.
 * Where the name resolves is checked afterwards, over DNS (src/dns.ts).
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
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups || isPrivateV6(groups)) return "Must not point at a private, loopback or link-local address";
  } else if (IPV4.test(host)) {
    if (isPrivateV4(v4ToInt(host))) return "Must not point at a private, loopback or link-local address";
  } else {
    const labels = host.split(".");
    if (labels.length < 2 || PRIVATE_TLDS.has(labels.at(-1) as string) || host.endsWith(".home.arpa"))
      return "Must point at a public domain name";
    const problem = hostnameProblem(host);
    if (problem) return problem;
  }
  if (policy.ports) {
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    if (!policy.ports.includes(port)) return `The port ${port} is not allowed (only ${policy.ports.join(", ")})`;
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
