// This isolate's copies of ServiceHealth states, per service (`workspaceId/serviceId`), and the one read of
// them at a time that concurrent requests share.

import type { HealthStates } from "./types";

/** How long an isolate trusts the states it read (ms): a breaker opened elsewhere is seen within this. */
export const VIEW_TTL_MS = 1000;
/**
 * The longest a request waits for a states read (ms). A shared read whose starting request was cancelled (its
 * client went away) may never settle; past this the waiter goes on with the last known states.
 */
export const READ_TIMEOUT_MS = 1000;

/** One service's copy: the states (null: never read, or unreadable) and when (the view's clock). */
export interface Cached {
  states: HealthStates | null;
  readAt: number;
}

const cache = new Map<string, Cached>();
const reading = new Map<string, Promise<Cached>>();
/** Services in the map at most; the least recently read go first (Map order). */
const MAX_ENTRIES = 5000;

/**
 * The copy of `key` younger than VIEW_TTL_MS, or undefined.
 *
 * @example const copy = freshCopy(key, Date.now()) ?? (await readStates(key, () => stub.states(), Date.now));
 */
export function freshCopy(key: string, now: number): Cached | undefined {
  const copy = cache.get(key);
  return copy !== undefined && now - copy.readAt < VIEW_TTL_MS ? copy : undefined;
}

/**
 * Keeps `states` (a read's or a report's answer) as the copy of `key`.
 *
 * @example keep(key, await stub.report(batch), Date.now());
 */
export function keep(key: string, states: HealthStates | null, now: number): Cached {
  const copy = { states, readAt: now };
  cache.delete(key);
  cache.set(key, copy);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return copy;
}

/**
 * Drops the copy of `key` (after this isolate configured its object).
 *
 * @example await stub.configure(service, version); drop(key);
 */
export function drop(key: string): void {
  cache.delete(key);
}

/**
 * Reads the states of `key` with `states()`, one read at a time per service in this isolate; waits at most
 * READ_TIMEOUT_MS. A failed or late read keeps the last known states (else null) for another VIEW_TTL_MS, so a
 * slow or lost object costs one wait per second per isolate, not one per request.
 *
 * @example const { states } = await readStates(key, () => stub.states(), Date.now);
 */
export async function readStates(key: string, states: () => Promise<HealthStates>, now: () => number): Promise<Cached> {
  let shared = reading.get(key);
  if (shared === undefined) {
    const started: Promise<Cached> = states().then(
      (fresh) => keep(key, fresh, now()),
      () => keep(key, cache.get(key)?.states ?? null, now()),
    );
    shared = started;
    reading.set(key, started);
    void started.finally(() => {
      if (reading.get(key) === started) reading.delete(key);
    });
  }
  return within(shared, READ_TIMEOUT_MS, () => {
    if (reading.get(key) === shared) reading.delete(key);
    return keep(key, cache.get(key)?.states ?? null, now());
  });
}

/**
 * `promise`'s value, or `fallback()`'s when it has not settled within `ms` (the promise is left to settle).
 *
 * @example await within(stub.acquireProbe(id), READ_TIMEOUT_MS, () => false)
 */
export async function within<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Forgets every copy (tests: see a change at once instead of within a second).
 *
 * @example clearHealthCache();
 */
export function clearHealthCache(): void {
  cache.clear();
  reading.clear();
}
