// Attempt outcomes on their way to the ServiceHealth objects. Each request hands its outcomes over once; the
// first request to find a service's outbox empty sends everything the isolate's requests added in the next
// FLUSH_DELAY_MS, in one RPC, from its own waitUntil. So a busy isolate costs each object at most ~10 RPCs a
// second however many requests it serves, and no request waits on (or does I/O for) another request's work:
// only plain outcome objects cross between them.

import type { AttemptOutcome } from "../contract";
import type { HealthStates } from "./types";

/** How long outcomes gather before they are sent (ms). */
export const FLUSH_DELAY_MS = 100;
/** Outcomes kept per service while the object is slow; the oldest go first beyond it (they are statistics). */
const MAX_QUEUED = 1000;

interface Outbox {
  queued: AttemptOutcome[];
  scheduled: boolean;
}
const outboxes = new Map<string, Outbox>();

/**
 * Queues `outcomes` for the object of `key`; when none is scheduled, schedules a send in `exec.waitUntil`
 * that passes the object's answer (its states after them) to `answered`. Never throws; a failed send is
 * dropped (the next requests report again).
 *
 * @example sendOutcomes(exec, key, outcomes, (batch) => stub.report(batch), (states) => keep(key, states, now()));
 */
export function sendOutcomes(
  exec: ExecutionContext,
  key: string,
  outcomes: AttemptOutcome[],
  report: (batch: AttemptOutcome[]) => Promise<HealthStates>,
  answered: (states: HealthStates) => void,
): void {
  let box = outboxes.get(key);
  if (box === undefined) {
    box = { queued: [], scheduled: false };
    outboxes.set(key, box);
  }
  box.queued.push(...outcomes);
  if (box.queued.length > MAX_QUEUED) box.queued.splice(0, box.queued.length - MAX_QUEUED);
  if (box.scheduled) return;
  box.scheduled = true;
  exec.waitUntil(drain(key, box, report, answered));
}

async function drain(
  key: string,
  box: Outbox,
  report: (batch: AttemptOutcome[]) => Promise<HealthStates>,
  answered: (states: HealthStates) => void,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
  const batch = box.queued.splice(0);
  box.scheduled = false;
  if (outboxes.get(key) === box) outboxes.delete(key);
  if (batch.length === 0) return;
  try {
    answered(await report(batch));
  } catch {
    // lost: the object hears from the next requests; the view fails open meanwhile
  }
}
