import { parseIpv6 } from "@edgeworks/ratelimit";

/** Which addresses are not the public internet: the ranges every URL and DNS check refuses. */

export const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), as [network, prefix length]. */
const PRIVATE_V4: readonly [number, number][] = (
  [
    ["0.0.0.0", 8], // "this network"
    ["10.0.0.0", 8], // private
    ["100.64.0.0", 10], // carrier-grade NAT (also Alibaba Cloud's metadata, 100.100.100.200)
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

/** A dotted IPv4 address as a 32-bit number (the caller has matched {@link IPV4}). */
export function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** True when the 32-bit IPv4 address is in a private, loopback, link-local, CGNAT or reserved range. */
export function isPrivateV4(n: number): boolean {
  return PRIVATE_V4.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
}

/**
 * True for IPv6 addresses outside public unicast: only 2000::/3 is global (RFC 4291), minus
 * documentation and Teredo; IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 inside.
 * Unique-local fc00::/7 (AWS's metadata fd00:ec2::254 among them) and link-local fe80::/10 are private.
 */
export function isPrivateV6(g: number[]): boolean {
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

/**
 * True when an address as text (dotted IPv4 or IPv6, as a DNS answer carries it) is not public; an
 * address that does not parse counts as not public, so a strange answer is never waved through.
 *
 * @example isPrivateAddress("10.0.0.5") // true
 */
export function isPrivateAddress(text: string): boolean {
  const ip = text.trim();
  if (ip.length > 45) return true;
  if (IPV4.test(ip)) return ip.split(".").some((p) => Number(p) > 255) || isPrivateV4(v4ToInt(ip));
  const groups = parseIpv6(ip);
  return groups === null || isPrivateV6(groups);
}
