// A hash ring with virtual nodes: each target gets points in proportion to its weight (1.6 per unit: 160 at
// the default 100), a key goes to the first point clockwise from its hash, and adding or removing a target
// only moves the keys of the arcs it takes or gives back (≈ 1/n of them). Built once per snapshot.

import type { CompiledTarget } from "../../contract";
import { hash32 } from "./hash";
import type { Balancer } from "./types";

const POINTS_PER_WEIGHT = 1.6;

interface Ring {
  hashes: Uint32Array;
  owners: string[];
}

function buildRing(targets: readonly CompiledTarget[]): Ring {
  const points: { hash: number; owner: string }[] = [];
  for (const target of targets) {
    if (target.weight <= 0) continue;
    const count = Math.max(1, Math.round(target.weight * POINTS_PER_WEIGHT));
    for (let i = 0; i < count; i++) points.push({ hash: hash32(`${target.id}#${i}`), owner: target.id });
  }
  points.sort((a, b) => a.hash - b.hash || (a.owner < b.owner ? -1 : 1));
  return { hashes: Uint32Array.from(points, (p) => p.hash), owners: points.map((p) => p.owner) };
}

/** Index of the first point with hash ≥ h (wrapping to 0). */
function firstAtOrAfter(ring: Ring, h: number): number {
  let lo = 0;
  let hi = ring.hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ring.hashes[mid] as number) < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === ring.hashes.length ? 0 : lo;
}

/**
 * Consistent hashing over all of the service's targets; the eligible ones are met walking clockwise from the
 * key's point (an unhealthy target's keys go to its successor, and come back when it does). Without a key
 * (no such header/cookie) the fallback picks round-robin.
 *
 * @example const ring = consistentHash(service.targets, fallback); ring.order(eligible, "user-42")[0]
 */
export function consistentHash(targets: readonly CompiledTarget[], fallback: Balancer): Balancer {
  const ring = buildRing(targets);
  return {
    order(eligible, key) {
      if (key === null || ring.hashes.length === 0 || eligible.length <= 1)
        return key === null ? fallback.order(eligible, null) : eligible.slice();
      const wanted = new Map(eligible.map((t) => [t.id, t]));
      const out: CompiledTarget[] = [];
      const n = ring.hashes.length;
      const start = firstAtOrAfter(ring, hash32(key));
      for (let i = 0; i < n && out.length < wanted.size; i++) {
        const target = wanted.get(ring.owners[(start + i) % n] as string);
        if (target && !out.includes(target)) out.push(target);
      }
      return out;
    },
  };
}

/**
 * Where keys map when all of `targets` are eligible (tests and tools): the ring is built once.
 *
 * @example const owner = ringOwners(service.targets); owner("user-42") // "tgt_…"
 */
export function ringOwners(targets: readonly CompiledTarget[]): (key: string) => string | null {
  const ring = buildRing(targets);
  return (key) => (ring.hashes.length === 0 ? null : (ring.owners[firstAtOrAfter(ring, hash32(key))] as string));
}
