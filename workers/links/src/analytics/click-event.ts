/**
 * One click, as the redirect records it (in `waitUntil`, never awaited by the visitor). The hot path
 * only copies what the request already has; the consumer derives device, browser, OS and the bot flag
 * from `ua`, so parsing costs the redirect nothing.
 */
export interface ClickEvent {
  v: 1;
  /** Random per click; the consumer counts each id once (redelivery, duplicate sends). */
  id: string;
  linkId: string;
  slug: string;
  /** Epoch ms of the click. */
  ts: number;
  /** Host of the `Referer`, lowercased; null when there was none (direct). */
  referrerHost: string | null;
  /** ISO country code from `request.cf`; null when unknown (e.g. locally). */
  country: string | null;
  city: string | null;
  /** The User-Agent, cut to 512 characters. */
  ua: string;
}

const MAX_UA = 512;
const MAX_FIELD = 100;

const referrerHostOf = (referer: string | null): string | null => {
  if (!referer) return null;
  try {
    return new URL(referer).hostname.toLowerCase().slice(0, MAX_FIELD) || null;
  } catch {
    return null;
  }
};

const cfString = (value: unknown): string | null => (typeof value === "string" && value ? value.slice(0, MAX_FIELD) : null);

/** The click event of a redirect request. */
export function clickEventOf(request: Request, link: { id: string; slug: string }, now: number): ClickEvent {
  const cf = request.cf as { country?: unknown; city?: unknown } | undefined;
  return {
    v: 1,
    id: crypto.randomUUID(),
    linkId: link.id,
    slug: link.slug,
    ts: now,
    referrerHost: referrerHostOf(request.headers.get("Referer")),
    country: cfString(cf?.country),
    city: cfString(cf?.city),
    ua: (request.headers.get("User-Agent") ?? "").slice(0, MAX_UA),
  };
}

/**
 * What a Queue message carries: the clicks of one isolate over a few milliseconds (see
 * send-clicks.ts). `id` makes the whole message count once, however often it is delivered.
 */
export interface ClickBatch {
  v: 1;
  id: string;
  events: ClickEvent[];
}

/** At most this many clicks travel in one message (well under the Queue's 128 KB message limit). */
export const MAX_EVENTS_PER_MESSAGE = 100;

const nullableString = (v: unknown) => v === null || typeof v === "string";

/** True when a queue message body is a click event this consumer understands. */
export function isClickEvent(body: unknown): body is ClickEvent {
  if (typeof body !== "object" || body === null) return false;
  const e = body as Record<string, unknown>;
  return (
    e.v === 1 &&
    typeof e.id === "string" &&
    e.id.length > 0 &&
    e.id.length <= 64 &&
    typeof e.linkId === "string" &&
    typeof e.slug === "string" &&
    typeof e.ts === "number" &&
    Number.isFinite(e.ts) &&
    nullableString(e.referrerHost) &&
    nullableString(e.country) &&
    nullableString(e.city) &&
    typeof e.ua === "string"
  );
}

/** True when a queue message body is a batch of click events. */
export function isClickBatch(body: unknown): body is ClickBatch {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    b.v === 1 &&
    typeof b.id === "string" &&
    b.id.length > 0 &&
    b.id.length <= 64 &&
    Array.isArray(b.events) &&
    b.events.length > 0 &&
    b.events.length <= MAX_EVENTS_PER_MESSAGE &&
    b.events.every(isClickEvent)
  );
}

/**
 * The clicks of a message body and the key it is counted once under: a batch by its id, a single
 * event (also accepted) by the event id. Null for anything else.
 */
export function clicksOf(body: unknown): { key: string; events: ClickEvent[] } | null {
  if (isClickBatch(body)) return { key: body.id, events: body.events };
  if (isClickEvent(body)) return { key: body.id, events: [body] };
  return null;
}
