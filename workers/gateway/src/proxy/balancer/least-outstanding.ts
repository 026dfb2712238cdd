// Least outstanding requests, counted in THIS isolate only: a Worker isolate cannot see the requests other
// isolates (or other data centres) have open, so under load spread over many isolates it approximates the
// global least-loaded choice (documented in the README). A request counts from the attempt's start until its
// response body is done (or the attempt failed).

import type { Balancer } from "./types";
import { rotate } from "./types";

const inFlight = new Map<string, number>();

/** Counts one request open to the target; call the returned function once when it is done. */
export function acquire(targetId: string): () => void {
  inFlight.set(targetId, (inFlight.get(targetId) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (inFlight.get(targetId) ?? 1) - 1;
    if (left <= 0) inFlight.delete(targetId);
    else inFlight.set(targetId, left);
  };
}

/** The requests this isolate has open to the target. */
export const outstanding = (targetId: string): number => inFlight.get(targetId) ?? 0;

/**
 * Fewest open requests first; ties are broken round-robin (so an idle service still spreads its load).
 *
 * @example const lor = leastOutstanding(); lor.order([a, b], null)[0] // the one with fewer open requests
 */
export function leastOutstanding(): Balancer {
  let next = 0;
  return {
    order(eligible) {
      if (eligible.length <= 1) return eligible.slice();
      const start = next % eligible.length;
      next = (next + 1) % 1_000_000_007;
      // a stable sort of the rotated list keeps the round-robin order among equals
      return rotate(eligible, start).sort((a, b) => outstanding(a.id) - outstanding(b.id));
    },
  };
}
