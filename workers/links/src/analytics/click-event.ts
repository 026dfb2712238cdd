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

const nullableString = (v: unknown) => v === null || typeof v === "string";
const key = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;

/** True when `body` is a click this consumer understands. */
export function isClickEvent(body: unknown): body is ClickEvent {
  if (typeof body !== "object" || body === null) return false;
  const e = body as Record<string, unknown>;
  return (
    e.v === 1 &&
    typeof e.linkId === "string" &&
    typeof e.slug === "string" &&
    typeof e.ts === "number" &&
    Number.isFinite(e.ts) &&
    nullableString(e.referrerHost) &&
    nullableString(e.country) &&
    nullableString(e.city) &&
    typeof e.ua === "string" &&
    (e.n === undefined || (Number.isInteger(e.n) && (e.n as number) >= 1 && (e.n as number) <= MAX_N)) &&
    (e.id === undefined || key(e.id))
  );
}

/** True when a queue message body is a batch of clicks. */
export function isClickBatch(body: unknown): body is ClickBatch {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    b.v === 1 &&
    key(b.id) &&
    Array.isArray(b.events) &&
    b.events.length > 0 &&
    b.events.length <= MAX_EVENTS_PER_MESSAGE &&
    b.events.every(isClickEvent)
  );
}

/**
 * The clicks of a message body and the key it is counted once under: a batch by its id, a single
 * click by its own `id`. Null for anything else.
 */
export function clicksOf(body: unknown): { key: string; events: ClickEvent[] } | null {
  if (isClickBatch(body)) return { key: body.id, events: body.events };
  if (isClickEvent(body) && body.id !== undefined) return { key: body.id, events: [body] };
  return null;
}
