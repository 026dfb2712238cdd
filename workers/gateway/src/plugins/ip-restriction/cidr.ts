// CIDR ranges as 128-bit integers: IPv4 lives in the IPv4-mapped block (::ffff:0:0/96), so one comparison
// covers both families and a client reaching us as ::ffff:1.2.3.4 matches a rule written as 1.2.3.0/24.
import { IPV4, v4ToInt } from "@edgeworks/egress";
import { parseIpv6 } from "@edgeworks/ratelimit";

export interface Cidr {
  network: bigint;
  /** Prefix length over 128 bits. */
  bits: number;
}

const MAPPED = 0xffffn << 32n;

/**
 * An IPv4 or IPv6 address as a 128-bit integer (IPv4 as IPv4-mapped IPv6), or null when it is not one.
 *
 * @example addressToBigInt("10.0.0.1") === addressToBigInt("::ffff:10.0.0.1") // true
 */
export function addressToBigInt(text: string): bigint | null {
  if (text.length > 45) return null;
  const v4 = text.match(IPV4);
  if (v4) {
    if (v4.slice(1, 5).some((p) => Number(p) > 255)) return null;
    return MAPPED | BigInt(v4ToInt(text));
  }
  const groups = parseIpv6(text);
  if (!groups) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/**
 * `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128), or null when malformed. Host bits
 * set under the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
 *
 * @example parseCidr("192.168.0.0/16") // { network: …, bits: 112 }
 */
export function parseCidr(text: string): Cidr | null {
  if (text.length > 49) return null;
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const isV4 = IPV4.test(address);
  const max = isV4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix)) return null;
    bits = Number(prefix);
    if (bits > max) return null;
  }
  const value = addressToBigInt(address);
  if (value === null) return null;
  const total = isV4 ? bits + 96 : bits;
  return { network: value & maskOf(total), bits: total };
}

const ALL = (1n << 128n) - 1n;
const maskOf = (bits: number): bigint => (bits === 0 ? 0n : (ALL << BigInt(128 - bits)) & ALL);

/**
 * Whether the address is inside any of the ranges.
 *
 * @example inAnyCidr(addressToBigInt("10.2.3.4")!, [parseCidr("10.0.0.0/8")!]) // true
 */
export function inAnyCidr(address: bigint, ranges: readonly Cidr[]): boolean {
  return ranges.some((r) => (address & maskOf(r.bits)) === r.network);
}
