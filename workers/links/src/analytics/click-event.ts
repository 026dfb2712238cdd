import { z } from "zod";

/**
 * A click, as the redirect records it (in `waitUntil`, never awaited by the visitor). The hot path
 * only copies what the request already has; the consumer derives device, browser, OS and the bot flag
 * from `ua`, so parsing costs the redirect nothing. `n` > 1 stands for that many identical clicks
 * (same link, hour, referrer, place and agent) coalesced in one isolate before sending.
 */
export interface ClickEvent {
  v: 1;
  linkId: string;
  slug: string;
  /** Epoch ms of the (first) click. */
  ts: number;
  /** Host of the `Referer`, lowercased; null when there was none (direct). */
  referrerHost: string | null;
  /** ISO country code from `request.cf`; null when unknown (e.g. locally). */
  country: string | null;
  city: string | null;
  /** The User-Agent, cut to 512 characters. */
  ua: string;
  /** How many clicks this stands for (default 1). */
  n?: number;
  /** Only on a message that carries one click on its own: the key it is counted once under. */
  id?: string;
}

const MAX_UA = 512;
const MAX_FIELD = 100;
/** At most this many distinct clicks travel in one message (well under the Queue's 128 KB limit). */
export const MAX_EVENTS_PER_MESSAGE = 100;
const MAX_N = 1_000_000_000;

const referrerHostOf = (referer: string | null): string | null => {
  if (!referer) return null;
  try {
    return new URL(referer).hostname.toLowerCase().slice(0, MAX_FIELD) || null;
  } catch {
    return null;
  }
};

const cfString = (value: unknown): string | null => (typeof value === "string" && value ? value.slice(0, MAX_FIELD) : null);

/** The click of a redirect request. */
export function clickEventOf(request: Request, link: { id: string; slug: string }, now: number): ClickEvent {
  const cf = request.cf as { country?: unknown; city?: unknown } | undefined;
  return {
    v: 1,
    linkId: link.id,
    slug: link.slug,
    ts: now,
    referrerHost: referrerHostOf(request.headers.get("Referer")),
    country: cfString(cf?.country),
    city: cfString(cf?.city),
    ua: (request.headers.get("User-Agent") ?? "").slice(0, MAX_UA),
  };
}

/** How many clicks an event stands for. */
export const countOf = (e: ClickEvent): number => e.n ?? 1;

/**
 * What a Queue message carries: the clicks of one isolate over a few milliseconds (see
 * send-clicks.ts). `id` makes the whole message count once, however often it is delivered.
 */
export interface ClickBatch {
  v: 1;
  id: string;
  events: ClickEvent[];
}

/** The key a message is counted once under: a batch id or a single click's id. */
const key = z.string().min(1).max(64);

/** A click this consumer understands. */
export const clickEvent: z.ZodType<ClickEvent> = z.object({
  v: z.literal(1),
  linkId: z.string(),
  slug: z.string(),
  // zod 4 numbers are finite: NaN and Infinity fail
  ts: z.number(),
  referrerHost: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  ua: z.string(),
  n: z.number().int().min(1).max(MAX_N).optional(),
  id: key.optional(),
});

/** A batch of 1 to 100 clicks, as the redirect sends them. */
export const clickBatch: z.ZodType<ClickBatch> = z.object({
  v: z.literal(1),
  id: key,
  events: z.array(clickEvent).min(1).max(MAX_EVENTS_PER_MESSAGE),
});

/** The clicks of one message and the key the message is counted once under. */
export interface ClickMessage {
  key: string;
  events: ClickEvent[];
}

/**
 * A Queue message body as the consumer reads it: a batch (counted once by its id) or a single click
 * carrying its own `id`. Anything else fails, and the consumer acks it as poison.
 */
export const clickMessage: z.ZodType<ClickMessage> = z.union([
  clickBatch.transform((b) => ({ key: b.id, events: b.events })),
  clickEvent.refine((e) => e.id !== undefined, "a single click needs an id").transform((e) => ({ key: e.id ?? "", events: [e] })),
]);
