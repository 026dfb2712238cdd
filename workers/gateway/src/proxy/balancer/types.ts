import type { CompiledTarget } from "../../contract";

/** One service's target picker; its state (counters, current weights, ring) lives as long as the snapshot. */
export interface Balancer {
  /**
   * The eligible targets (healthy, breaker not open, weight > 0, in config order) in the order to try them:
   * the first is this request's pick, the rest are where a retry or a refused half-open probe goes next.
   * `key` is the consistent-hash input (null: none found, or another algorithm).
   */
  order(eligible: readonly CompiledTarget[], key: string | null): CompiledTarget[];
}

/** `list` rotated to start at `start`. */
export function rotate<T>(list: readonly T[], start: number): T[] {
  const n = list.length;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = list[(start + i) % n] as T;
  return out;
}
