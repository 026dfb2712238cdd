// @ts-check
/**
 * The fake's state: every object by id, a clock, events.
 *
 * Interface for resource modules (src/resources/*.mjs):
 * - `store.create(prefix, object)` → stored copy with `id` (`<prefix>_<24 chars>`), `livemode: false`,
 *   `created` (the fake clock) unless given; `object.object` (e.g. "price") is its type.
 * - `store.get(type, id, param?)` → copy, or throws 404 `resource_missing` ("No such price: 'x'").
 * - `store.find(id)` → copy of any object by id (or undefined); `store.has(type, id)`.
 * - `store.update(type, id, patch, { emit? })` → updated copy; `patch` is shallow (metadata: use
 *   `mergeMetadata`); with `emit: "customer.updated"` the event carries `previous_attributes`.
 * - `store.delete(type, id)` → removes it, returns the last copy.
 * - `store.list(type, filter, { limit, starting_after, ending_before }, url?)` → Stripe list object,
 *   newest first; `filter` is a predicate or an object of equal values.
 * - `store.emit(type, object, previousAttributes?)` → the `evt_…` event, stored and delivered to every
 *   enabled webhook endpoint (request id / idempotency key of the current request are filled in).
 * - `store.now()` → unix seconds on the fake clock (`/_fake/clock/advance` moves it; `store.advance(s)`).
 * - `store.onAdvance(fn)` → fn(now) runs after every clock advance (billing periods, retries).
 * - `store.onEmit(fn)` → fn(event) runs synchronously after every `emit` (react to payment outcomes).
 * Objects handed out are copies: change state only through `update`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { resourceMissing, StripeError } from "./errors.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {{ id: string | null, idempotency_key: string | null }} RequestInfo */
/** @typedef {{ limit?: number | string, starting_after?: string, ending_before?: string }} Page */

export const API_VERSION = "2026-10-28.endive";

/** The request being handled, so that `emit` can fill in `event.request` without threading it through. */
export const currentRequest = new AsyncLocalStorage();

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * A Stripe-like random id: `cus_` + 24 alphanumerics.
 * @param {string} prefix
 * @param {number} [length]
 */
export function newId(prefix, length = 24) {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomByte() % ALPHABET.length];
  return `${prefix}_${out}`;
}

// random bytes drawn from a pool: one system call per 4 KiB instead of one per id
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomByte() {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return /** @type {number} */ (pool[poolAt++]);
}

/**
 * Stripe's metadata update: keys merge, an empty value deletes a key, `""` for the whole object clears it.
 * @param {Record<string, string>} current
 * @param {unknown} update the parsed `metadata` param
 * @returns {Record<string, string>}
 */
export function mergeMetadata(current, update) {
  if (update === undefined) return current;
  if (update === "") return {};
  if (typeof update !== "object" || update === null || Array.isArray(update)) {
    throw new StripeError({ status: 400, type: "invalid_request_error", param: "metadata", message: "Invalid object" });
  }
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (key.length > 40) {
      throw new StripeError({
        status: 400,
        type: "invalid_request_error",
        param: `metadata[${key}]`,
        message: "Metadata keys can have at most 40 characters.",
      });
    }
    if (value === "") delete next[key];
    else next[key] = String(value);
  }
  if (Object.keys(next).length > 50) {
    throw new StripeError({ status: 400, type: "invalid_request_error", param: "metadata", message: "Metadata can have at most 50 keys." });
  }
  return next;
}

/**
 * @param {StripeObject} before
 * @param {StripeObject} after
 * @returns {StripeObject} the previous values of every top-level key that changed
 */
export function previousAttributes(before, after) {
  /** @type {StripeObject} */
  const previous = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  return previous;
}

export class Store {
  /** @param {{ onEvent?: (event: StripeObject) => number }} [options] onEvent delivers and returns pending_webhooks */
  constructor(options = {}) {
    /** @type {Map<string, StripeObject>} every object by id */
    this.objects = new Map();
    /** @type {Map<string, string[]>} ids per type, in creation order */
    this.byType = new Map();
    this.offsetSeconds = 0;
    this.onEvent = options.onEvent ?? (() => 0);
    /** @type {((now: number) => void | Promise<void>)[]} */
    this.advanceHooks = [];
    /** @type {((event: StripeObject) => void)[]} */
    this.emitHooks = [];
  }

  /** Unix seconds on the fake clock. */
  now() {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  /** @param {number} seconds */
  async advance(seconds) {
    this.offsetSeconds += seconds;
    for (const hook of this.advanceHooks) await hook(this.now());
    return this.now();
  }

  /** @param {(now: number) => void | Promise<void>} hook */
  onAdvance(hook) {
    this.advanceHooks.push(hook);
  }

  /** @param {(event: StripeObject) => void} hook runs synchronously after every emitted event */
  onEmit(hook) {
    this.emitHooks.push(hook);
  }

  /**
   * @param {string} prefix
   * @param {StripeObject} object must carry `object` (its type)
   * @returns {StripeObject}
   */
  create(prefix, object) {
    const type = object.object;
    if (typeof type !== "string") throw new Error("store.create: object.object (the type) is required");
    const id = object.id ?? newId(prefix);
    const stored = { id, object: type, ...object, livemode: false, created: object.created ?? this.now() };
    stored.id = id;
    this.objects.set(id, structuredClone(stored));
    const ids = this.byType.get(type) ?? [];
    ids.push(id);
    this.byType.set(type, ids);
    return structuredClone(stored);
  }

  /** @param {string} id @returns {StripeObject | undefined} */
  find(id) {
    const object = this.objects.get(id);
    return object ? structuredClone(object) : undefined;
  }

  /** @param {string} type @param {string} id */
  has(type, id) {
    return this.objects.get(id)?.object === type;
  }

  /**
   * @param {string} type
   * @param {string} id
   * @param {string} [param] the param named in the 404 (default "id")
   * @returns {StripeObject}
   */
  get(type, id, param) {
    const object = typeof id === "string" ? this.objects.get(id) : undefined;
    if (!object || object.object !== type) throw resourceMissing(type, String(id), param);
    return structuredClone(object);
  }

  /**
   * @param {string} type
   * @param {string} id
   * @param {StripeObject} patch top-level keys to replace
   * @param {{ emit?: string }} [options] emit this event type with previous_attributes when something changed
   * @returns {StripeObject}
   */
  update(type, id, patch, options = {}) {
    const before = this.get(type, id);
    const after = { ...before, ...structuredClone(patch), id: before.id, object: before.object };
    this.objects.set(id, structuredClone(after));
    if (options.emit) {
      const previous = previousAttributes(before, after);
      if (Object.keys(previous).length > 0) this.emit(options.emit, after, previous);
    }
    return after;
  }

  /** @param {string} type @param {string} id @returns {StripeObject} */
  delete(type, id) {
    const object = this.get(type, id);
    this.objects.delete(id);
    this.byType.set(
      type,
      (this.byType.get(type) ?? []).filter((x) => x !== id),
    );
    return object;
  }

  /**
   * Every object of a type, newest first (creation order reversed), matching the filter.
   * @param {string} type
   * @param {((o: StripeObject) => boolean) | StripeObject} [filter]
   * @returns {StripeObject[]}
   */
  all(type, filter) {
    const predicate =
      typeof filter === "function"
        ? filter
        : (/** @type {StripeObject} */ o) => Object.entries(filter ?? {}).every(([k, v]) => v === undefined || o[k] === v);
    const ids = [...(this.byType.get(type) ?? [])].reverse();
    /** @type {StripeObject[]} */
    const out = [];
    for (const id of ids) {
      const object = this.objects.get(id);
      if (object && predicate(object)) out.push(object);
    }
    // stable: newest `created` first, creation order among equals
    return out.sort((a, b) => b.created - a.created).map((o) => structuredClone(o));
  }

  /**
   * A Stripe list object with cursor pagination (`starting_after` / `ending_before`, limit 1..100, default 10).
   * @param {string} type
   * @param {((o: StripeObject) => boolean) | StripeObject} filter
   * @param {Page} [page]
   * @param {string} [url] the list's `url` member (e.g. "/v1/customers")
   */
  list(type, filter, page = {}, url = `/v1/${type}s`) {
    const limit = page.limit === undefined ? 10 : Number(page.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new StripeError({
        status: 400,
        type: "invalid_request_error",
        param: "limit",
        message: `This value must be greater than or equal to 1 and less than or equal to 100.`,
      });
    }
    const items = this.all(type, filter);
    let data;
    let hasMore;
    if (page.starting_after) {
      const at = items.findIndex((o) => o.id === page.starting_after);
      if (at < 0) throw resourceMissing(type, page.starting_after, "starting_after");
      data = items.slice(at + 1, at + 1 + limit);
      hasMore = at + 1 + limit < items.length;
    } else if (page.ending_before) {
      const at = items.findIndex((o) => o.id === page.ending_before);
      if (at < 0) throw resourceMissing(type, page.ending_before, "ending_before");
      const from = Math.max(0, at - limit);
      data = items.slice(from, at);
      hasMore = from > 0;
    } else {
      data = items.slice(0, limit);
      hasMore = limit < items.length;
    }
    return { object: "list", data, has_more: hasMore, url };
  }

  /**
   * Records an event and hands it to the webhook dispatcher.
   * @param {string} type e.g. "payment_intent.succeeded"
   * @param {StripeObject} object the object as it is now (copied)
   * @param {StripeObject} [previous] previous_attributes (for *.updated events)
   * @returns {StripeObject}
   */
  emit(type, object, previous) {
    /** @type {RequestInfo | undefined} */
    const request = currentRequest.getStore();
    /** @type {StripeObject} */
    const data = { object: structuredClone(object) };
    if (previous && Object.keys(previous).length > 0) data.previous_attributes = structuredClone(previous);
    const event = this.create("evt", {
      object: "event",
      api_version: API_VERSION,
      data,
      pending_webhooks: 0,
      request: { id: request?.id ?? null, idempotency_key: request?.idempotency_key ?? null },
      type,
    });
    const pending = this.onEvent(event);
    if (pending > 0) {
      event.pending_webhooks = pending;
      this.objects.set(event.id, structuredClone(event));
    }
    for (const hook of this.emitHooks) hook(structuredClone(event));
    return event;
  }
}
