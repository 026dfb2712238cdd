import type { Balancer } from "./types";
import { rotate } from "./types";

/**
 * Round-robin over the eligible targets: each request starts one further along (per isolate).
 *
 * @example const rr = roundRobin(); rr.order([a, b, c], null)[0] // a, then b, then c, then a…
 */
export function roundRobin(): Balancer {
  let next = 0;
  return {
    order(eligible) {
      const n = eligible.length;
      if (n <= 1) return eligible.slice();
      const start = next % n;
      next = (next + 1) % 1_000_000_007;
      return rotate(eligible, start);
    },
  };
}
