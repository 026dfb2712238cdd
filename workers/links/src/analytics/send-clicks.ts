import { type ClickEvent, MAX_EVENTS_PER_MESSAGE } from "./click-event";

/** Clicks wait at most this long in the isolate before they are sent together. */
export const FLUSH_DELAY_MS = 50;

let buffer: ClickEvent[] = [];

async function flush(queue: Queue, onError: (err: unknown) => void): Promise<void> {
  const events = buffer;
  buffer = [];
  if (events.length === 0) return;
  try {
    await queue.send({ v: 1, id: crypto.randomUUID(), events }, { contentType: "json" });
  } catch (err) {
    onError(err);
  }
}

/**
 * Hands a click to the Queue without making the visitor wait: the clicks of concurrent redirects in
 * this isolate are coalesced for up to FLUSH_DELAY_MS into one message of up to 100 clicks (one Queue
 * call and one dedupe row per message instead of per click). The request that opens a message keeps
 * it alive with its `waitUntil`; a full message is sent at once.
 *
 * @example sendClick(env.CLICKS, event, (p) => ctx.waitUntil(p), (err) => log(…));
 */
export function sendClick(
  queue: Queue,
  event: ClickEvent,
  waitUntil: (p: Promise<unknown>) => void,
  onError: (err: unknown) => void,
): void {
  buffer.push(event);
  if (buffer.length >= MAX_EVENTS_PER_MESSAGE) waitUntil(flush(queue, onError));
  else if (buffer.length === 1) waitUntil(new Promise((r) => setTimeout(r, FLUSH_DELAY_MS)).then(() => flush(queue, onError)));
}
