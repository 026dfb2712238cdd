import { createTestClient, mintToken } from "@edgeworks/testing";
import type { Job, QueueCounts } from "../src/engine/types";
import type { Queue } from "../src/queue-view";

export type { Job, Queue, QueueCounts };
export type Page<T> = { items: T[]; nextCursor: string | null };

export const BASE = "http://jobs.test/jobs/v1";

let seq = 0;
/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export async function newUser(scope = "*"): Promise<{ id: string; token: string }> {
  const id = `user_${Date.now().toString(36)}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, token: await mintToken({ sub: id, scope }) };
}

/** The product's API as its tests call it (`call`, `ok`, `problem`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
export const call = api.call;

/** A unique queue name per call. */
export const queueName = (prefix = "q") => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

/** Creates a queue (paused unless said otherwise, so nothing it holds runs while a test looks at it). */
export async function createQueue(token: string, body: Record<string, unknown> = {}): Promise<Queue> {
  return api.ok<Queue>(call("POST", "/queues", token, { name: queueName(), paused: true, ...body }), 201);
}

/** Submits one job (an external name by default: nothing runs it unless a test leases it). */
export async function submitJob(token: string, queue: string, body: Record<string, unknown> = {}): Promise<Job> {
  return api.ok<Job>(call("POST", `/queues/${queue}/jobs`, token, { name: "external.work", payload: { n: 1 }, ...body }), 201);
}

/** Every queue of the user through the API (all pages), for "nothing changed" checks. */
export async function listAllQueues(token: string): Promise<Queue[]> {
  const out: Queue[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Queue> = await api.ok(call("GET", `/queues?limit=100${cursor ? `&cursor=${cursor}` : ""}`, token));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Every job of a queue through the API (all pages). */
export async function listAllJobs(token: string, queue: string, filter = ""): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | null = null;
  do {
    const query = `limit=100${filter ? `&${filter}` : ""}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: Page<Job> = await api.ok(call("GET", `/queues/${queue}/jobs?${query}`, token));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Waits until `check` returns a value (polling), or fails after `ms`. For jobs the engine moves on its own. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const ZERO_COUNTS: QueueCounts = {
  waiting: 0,
  delayed: 0,
  "waiting-children": 0,
  active: 0,
  completed: 0,
  failed: 0,
  dead: 0,
  cancelled: 0,
};
