// The proxy's view of a service's health: ServiceHealth's states cached in isolate memory for ≤ 1 s, and
// the outcomes of a request's attempts handed to the isolate's outbox once, after its attempts (sent to the
// object in exec.waitUntil, together with other requests' of the same 100 ms).

import type { AttemptOutcome, CompiledService, Snapshot, TargetState } from "../contract";
import { drop, freshCopy, keep, READ_TIMEOUT_MS, readStates, within } from "./cache";
import { sendOutcomes } from "./outbox";
import { healthStub, isMonitored } from "./stub";

export { clearHealthCache, VIEW_TTL_MS } from "./cache";

/** What the proxy asks about one service during one request. */
export interface HealthView {
  /** False for a service without health checks or breaker: everything is healthy, nothing is sent. */
  readonly monitored: boolean;
  /** The target's state (an unknown target is healthy and closed). */
  state(targetId: string): TargetState;
  /** Records one attempt's outcome; sent with the others by `flush()`. */
  report(outcome: AttemptOutcome): void;
  /**
   * Hands the reported outcomes to the object (one RPC within FLUSH_DELAY_MS, shared with the isolate's other
   * requests, in `exec.waitUntil`). Call it once, when the request's attempts are over.
   */
  flush(): void;
  /** For a half-open target: whether this request may be one of its probes (false when the object is unreachable or slow). */
  acquireProbe(targetId: string): Promise<boolean>;
}

const HEALTHY: TargetState = Object.freeze({ healthy: true, breaker: "closed" });

const UNMONITORED: HealthView = Object.freeze({
  monitored: false,
  state: () => HEALTHY,
  report: () => {},
  flush: () => {},
  acquireProbe: async () => true,
});

const configuring = new Set<string>();

/**
 * The health view of `service` for one request. Unmonitored services answer at once without any I/O;
 * monitored ones read the service's ServiceHealth states when this isolate's copy is older than 1 s
 * (concurrent requests share one read, waited on for at most READ_TIMEOUT_MS). When the object is
 * unreachable or slow the view fails open (last known states, else all healthy): losing the health store
 * must not take every service down. When the object
 * was configured with an older config version than `snapshot`'s, it is configured in the background.
 *
 * @example
 * const health = await healthView(env, exec, snapshot, service);
 * if (health.state(target.id).breaker === "half-open" && !(await health.acquireProbe(target.id))) continue;
 * health.report({ targetId: target.id, at, failed: false, timedOut: false, latencyMs: 12, status: 200 });
 * health.flush();
 */
export async function healthView(
  env: Env,
  exec: ExecutionContext,
  snapshot: Snapshot,
  service: CompiledService,
  now: () => number = Date.now,
): Promise<HealthView> {
  if (!isMonitored(service)) return UNMONITORED;
  const key = `${snapshot.workspaceId}/${service.id}`;
  const stub = () => healthStub(env, snapshot.workspaceId, service.id);
  let current = freshCopy(key, now());
  if (current === undefined) {
    current = await readStates(key, () => stub().states(), now);
    // judged on a fresh read only: a cached copy may predate a configure that already happened
    const version = current.states?.version;
    if (version !== undefined && (version === null || version < snapshot.version)) {
      reconfigure(exec, key, snapshot.version, () => stub().configure(service, snapshot.version));
    }
  }
  const states = current.states;
  const pending: AttemptOutcome[] = [];
  return {
    monitored: true,
    state(targetId) {
      const target = states?.targets[targetId];
      if (target === undefined) return HEALTHY;
      // an open breaker whose time is up is half-open now, even if the copy is up to 1 s old
      const breaker = target.breaker === "open" && target.halfOpenAt !== null && now() >= target.halfOpenAt ? "half-open" : target.breaker;
      return { healthy: target.healthy, breaker };
    },
    report(outcome) {
      pending.push(outcome);
    },
    flush() {
      if (pending.length === 0) return;
      sendOutcomes(
        exec,
        key,
        pending.splice(0),
        (batch) => stub().report(batch),
        (fresh) => keep(key, fresh, now()),
      );
    },
    acquireProbe: (targetId) =>
      within(
        stub()
          .acquireProbe(targetId)
          .catch(() => false),
        READ_TIMEOUT_MS,
        () => false,
      ),
  };
}

/** Configures an object that missed a publish, once per (service, version) per isolate. */
function reconfigure(exec: ExecutionContext, key: string, version: number, configure: () => Promise<unknown>): void {
  const id = `${key}@${version}`;
  if (configuring.has(id)) return;
  // one entry per (service, version) seen: forget them all now and then rather than grow forever
  if (configuring.size > 10_000) configuring.clear();
  configuring.add(id);
  exec.waitUntil(
    configure()
      .then(() => drop(key))
      .catch(() => configuring.delete(id)),
  );
}
