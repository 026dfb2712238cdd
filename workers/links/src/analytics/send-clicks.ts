import { type ClickEvent, MAX_EVENTS_PER_MESSAGE } from "./click-event";

/** Clicks wait at most this long in the isolate before they are sent together. */
export const FLUSH_DELAY_MS = 50;
const HOUR_MS = 3_600_000;
const SEP = "\u0001";

/** Clicks waiting to be sent, identical ones (link, hour, referrer, place, agent) folded into one with a count. */
let pending = new Map<string, ClickEvent>();
/** When the pending flush was scheduled; a flush whose request context died never runs, so a stale one is replaced. */
let scheduledAt: number | null = null;

async function flush(queue: Queue, onError: (err: unknown) => void): Promise<void> {
  const events = [...pending.values()];
  pending = new Map();
  if (events.length === 0) return;
  try {
    await queue.send({ v: 1, id: crypto.randomUUID(), events }, { contentType: "json" });
  } catch (err) {
    onError(err);
  }
}

/**
 * Hands a click to the Queue without making the visitor wait. The clicks of concurrent redirects in
 * this isolate are gathered for up to FLUSH_DELAY_MS and sent as one message; identical clicks travel
 * once with a count, so a burst on one link costs one small message, not one per click. The request
 * that opens a message keeps it alive with its `waitUntil`; a message with 100 distinct clicks is
 * sent at once.
 *
 * @example sendClick(env.CLICKS, event, (p) => ctx.waitUntil(p), (err) => log(…));
 */
export function sendClick(
  queue: Queue,
  event: ClickEvent,
  waitUntil: (p: Promise<unknown>) => void,
  onError: (err: unknown) => void,
): void {
  const key = [event.linkId, Math.floor(event.ts / HOUR_MS), event.referrerHost, event.country, event.city, event.ua].join(SEP);
  const same = pending.get(key);
  if (same) same.n = (same.n ?? 1) + 1;
  else pending.set(key, { ...event, n: 1 });
  if (pending.size >= MAX_EVENTS_PER_MESSAGE) waitUntil(flush(queue, onError));
  const now = Date.now();
  if (scheduledAt === null || now - scheduledAt > 20 * FLUSH_DELAY_MS) {
    scheduledAt = now;
    waitUntil(
      new Promise((r) => setTimeout(r, FLUSH_DELAY_MS)).then(() => {
        scheduledAt = null;
        return flush(queue, onError);
      }),
    );
  }
}
