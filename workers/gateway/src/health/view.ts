// The proxy's view of a service's health: ServiceHealth's states cached in isolate memory for ≤ 1 s, and
// the outcomes of one request's attempts sent back in one RPC after the response (exec.waitUntil).

import type { AttemptOutcome, CompiledService, Snapshot, TargetState } from "../contract";
import type { ServiceHealth } from "../do/service-health";
import { healthStub, isMonitored } from "./stub";
import type { HealthStates } from "./types";

/** How long an isolate trusts the states it read (ms): a breaker opened elsewhere is seen within this. */
export const VIEW_TTL_MS = 1000;

/** What the proxy asks about one service during one request. */
export interface HealthView {
  /** False for a service without health checks or breaker: everything is healthy, nothing is sent. */
  readonly monitored: boolean;
  /** The target's state (an unknown target is healthy and closed). */
  state(targetId: string): TargetState;
  /** Records one attempt's outcome; sent with the others by `flush()`. */
  report(outcome: AttemptOutcome): void;
  /** Sends the reported outcomes in one RPC in `exec.waitUntil` (call it once, when the request's attempts are over). */
  flush(): void;
  /** For a half-open target: whether this request may be one of its probes (false when the object is unreachable). */
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

interface Cached {
  states: HealthStates | null;
  readAt: number;
}
const cache = new Map<string, Cached>();
const reading = new Map<string, Promise<Cached>>();
const configuring = new Set<string>();

/**
 * The health view of `service` for one request. Unmonitored services answer at once without any I/O;
 * monitored ones read the service's ServiceHealth states when this isolate's copy is older than 1 s
 * (concurrent requests share one read). When the object is unreachable the view fails open (last known
 * states, else all healthy): losing the health store must not take every service down. When the object
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
  let current = cache.get(key);
  if (current === undefined || now() - current.readAt >= VIEW_TTL_MS) {
    current = await read(key, stub, now);
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
      const batch = pending.splice(0);
      exec.waitUntil(
        stub()
          .report(batch)
          .then((fresh) => cache.set(key, { states: fresh, readAt: now() }))
          .catch(() => {}),
      );
    },
    acquireProbe: (targetId) =>
      stub()
        .acquireProbe(targetId)
        .catch(() => false),
  };
}

/** One read per service per isolate at a time; a failed read keeps the last states (or none) for another second. */
function read(key: string, stub: () => DurableObjectStub<ServiceHealth>, now: () => number): Promise<Cached> {
  const running = reading.get(key);
  if (running !== undefined) return running;
  const promise = stub()
    .states()
    .then((states): Cached => ({ states, readAt: now() }))
    .catch((): Cached => ({ states: cache.get(key)?.states ?? null, readAt: now() }))
    .then((fresh) => {
      cache.set(key, fresh);
      return fresh;
    })
    .finally(() => reading.delete(key));
  reading.set(key, promise);
  return promise;
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
      .then(() => cache.delete(key))
      .catch(() => configuring.delete(id)),
  );
}

/**
 * Forgets this isolate's cached states (tests: see a change at once instead of within a second).
 *
 * @example clearHealthCache();
 */
export function clearHealthCache(): void {
  cache.clear();
  configuring.clear();
}
