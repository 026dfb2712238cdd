import { env } from "cloudflare:test";
import type { Result } from "@edgeworks/realtime";
import { vi } from "vitest";
import type { QueueScheduler } from "../../src/engine/scheduler";
import type { Job, JobState, QueueSettings, SchedulerApi } from "../../src/engine/types";

/** The object as the routes see it (the contract), typed plainly. */
export type SchedulerStub = SchedulerApi;

// the waits below poll for a state with a generous cap; a loaded machine must not fail them
vi.setConfig({ testTimeout: 90_000 });

export const SETTINGS: QueueSettings = {
  paused: false,
  concurrency: 10,
  rateLimit: null,
  defaultJobOptions: {},
  retention: { completed: { count: 1000, ageSeconds: 86_400 }, failed: { count: 1000, ageSeconds: 86_400 } },
};

/** A fresh, configured scheduler of its own queue (its own object, so tests never share state). */
export async function newQueue(settings: Partial<QueueSettings> = {}) {
  const queueId = `q_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const queueKey = `u_test/${queueId}`;
  const ref = { id: queueId, name: `queue-${queueId}`, ownerId: "u_test" };
  const raw: DurableObjectStub<QueueScheduler> = env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(queueKey));
  const stub = raw as unknown as SchedulerStub;
  let current: QueueSettings = { ...SETTINGS, ...settings };
  ok(await stub.configure(ref, current));
  /** Changes the queue's settings the way the PATCH route does (configure with the same ref). */
  const reconfigure = async (change: Partial<QueueSettings>) => {
    current = { ...current, ...change };
    ok(await stub.configure(ref, current));
  };
  return { stub, raw, queueKey, queueId, ref, reconfigure };
}

/** The value of a successful Result (fails the test with the failure otherwise). */
export function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.detail}`);
  return result.value;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` (generous: a loaded machine is slow). */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string | (() => string), timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the job is in one of `states` and returns it. */
export function waitForState(stub: SchedulerStub, id: string, ...states: JobState[]): Promise<Job> {
  return waitFor(
    async () => {
      const job = ok(await stub.get(id));
      return states.includes(job.state) ? job : undefined;
    },
    `job ${id} to be ${states.join("|")}`,
  );
}

/** Waits until `count` jobs of the queue are in `state`. */
export function waitForCount(stub: SchedulerStub, state: JobState, count: number, timeoutMs = 60_000): Promise<number> {
  let last = {};
  return waitFor(
    async () => {
      const counts = ok(await stub.counts());
      last = counts;
      return counts[state] >= count ? counts[state] : undefined;
    },
    () => `${count} ${state} jobs (last counts ${JSON.stringify(last)})`,
    timeoutMs,
  );
}

/** Epoch ms of a timeline entry's `at`. */
export const at = (iso: string) => Date.parse(iso);
