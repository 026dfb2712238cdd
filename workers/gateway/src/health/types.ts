// The shapes the ServiceHealth object answers with, shared by the isolate view, the status route and the DO.

import type { TargetState } from "../contract";

/** The last active health-check probe of a target. */
export interface ProbeResult {
  /** Epoch ms. */
  at: number;
  ok: boolean;
  /** The upstream's status, or null when the probe failed before one (timeout, network). */
  status: number | null;
  /** Why it failed ("timeout", "status 503", "network: …"), null when ok. */
  error: string | null;
}

/** One target's state in its service's ServiceHealth object, with the numbers behind it. */
export interface TargetHealth extends TargetState {
  targetId: string;
  /** Consecutive failed live attempts (passive health). */
  consecutiveFailures: number;
  /** The breaker's current window (closed) or the half-open probes' counts. */
  window: { requests: number; errors: number; slow: number };
  /** Epoch ms when the breaker last opened (null when it never did since the last close). */
  openedAt: number | null;
  /** Epoch ms when an open breaker turns half-open (null unless open). */
  halfOpenAt: number | null;
  /** Half-open probes granted and not yet reported. */
  probesInFlight: number;
  /** Epoch ms of the last health change (healthy ↔ unhealthy). */
  changedAt: number | null;
  lastProbe: ProbeResult | null;
}

/** What `ServiceHealth.states()` returns. */
export interface HealthStates {
  /** The config version it was last configured with (null: never configured). */
  version: number | null;
  /** Epoch ms of the object's clock when it answered. */
  at: number;
  targets: Record<string, TargetHealth>;
}
