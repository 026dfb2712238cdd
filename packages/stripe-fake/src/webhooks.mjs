// @ts-check
// Event delivery to webhook endpoints, signed like Stripe (https://docs.stripe.com/webhooks#verify-manually):
// `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`, the secret being the
// whole `whsec_…` string. A non-2xx answer or a timeout is retried with exponential backoff. Endpoints whose
// url starts with `pull://` are not called: tests pull their deliveries (GET /_fake/deliveries) and POST them.
import { createHmac } from "node:crypto";
import { newId } from "./store.mjs";

/** @typedef {import("./store.mjs").StripeObject} StripeObject */
/** @typedef {{ baseMs: number, factor: number, maxAttempts: number, timeoutMs: number }} RetryOptions */
/** @typedef {{ duplicate: boolean, order: "normal" | "reverse", hold: boolean }} Behaviour */
/**
 * @typedef {object} Delivery
 * @property {string} id
 * @property {string} event
 * @property {string} type
 * @property {string} endpoint
 * @property {string} url
 * @property {string} payload
 * @property {number} attempt attempts made so far (pull: times pulled)
 * @property {"pending" | "held" | "succeeded" | "failed" | "pulled"} status
 * @property {{ at: number, status: number | null, error?: string }[]} attempts
 * @property {string[]} related ids this delivery is about
 */

export const DEFAULT_RETRY = { baseMs: 1000, factor: 2, maxAttempts: 8, timeoutMs: 10_000 };

/**
 * The `Stripe-Signature` header value for a payload.
 * @param {string} payload
 * @param {string} secret the endpoint's `whsec_…`
 * @param {number} [timestamp] unix seconds (default: now, real time, as Stripe signs)
 */
export function signPayload(payload, secret, timestamp = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/**
 * Every id an event is about: the object, and the ids and metadata values it points to.
 * @param {StripeObject} event
 */
export function relatedIds(event) {
  const object = event.data?.object ?? {};
  const ids = new Set([event.id, object.id]);
  for (const key of ["payment_intent", "customer", "subscription", "invoice", "charge", "checkout_session", "price", "product"]) {
    const value = object[key];
    if (typeof value === "string") ids.add(value);
    else if (value && typeof value.id === "string") ids.add(value.id);
  }
  // invoices, invoice items and lines name their subscription under `parent` (API 2025+)
  const parent = object.parent ?? {};
  for (const value of [parent.subscription_details?.subscription, parent.subscription_item_details?.subscription]) {
    if (typeof value === "string") ids.add(value);
  }
  for (const value of Object.values(object.metadata ?? {})) if (typeof value === "string") ids.add(value);
  if (object.client_reference_id) ids.add(object.client_reference_id);
  ids.delete(undefined);
  return /** @type {string[]} */ ([...ids]);
}

export class Webhooks {
  /**
   * @param {{ store: import("./store.mjs").Store, retry?: Partial<RetryOptions>, fetch?: typeof fetch }} options
   */
  constructor(options) {
    this.store = options.store;
    /** @type {RetryOptions} */
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetch = options.fetch ?? fetch;
    /** @type {Map<string, Behaviour>} */
    this.behaviours = new Map();
    /** @type {Delivery[]} every delivery, in creation order (the log) */
    this.deliveries = [];
    /** @type {Set<ReturnType<typeof setTimeout>>} */
    this.timers = new Set();
    this.closed = false;
  }

  /** @param {string} endpointId */
  behaviourOf(endpointId) {
    return this.behaviours.get(endpointId) ?? { duplicate: false, order: "normal", hold: false };
  }

  /**
   * @param {string} endpointId
   * @param {Partial<Behaviour>} change
   */
  setBehaviour(endpointId, change) {
    const next = { ...this.behaviourOf(endpointId), ...change };
    this.behaviours.set(endpointId, next);
    return next;
  }

  /** @param {StripeObject} event @returns {StripeObject[]} */
  endpointsFor(event) {
    return this.store
      .all("webhook_endpoint", (e) => e.status === "enabled")
      .filter((e) => e.enabled_events.includes("*") || e.enabled_events.includes(event.type));
  }

  /**
   * Called by the store for every event: queues a delivery per endpoint, returns pending_webhooks.
   * @param {StripeObject} event
   */
  onEvent(event) {
    const endpoints = this.endpointsFor(event);
    const related = relatedIds(event);
    for (const endpoint of endpoints) {
      const behaviour = this.behaviourOf(endpoint.id);
      const copies = behaviour.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        /** @type {Delivery} */
        const delivery = {
          id: newId("whdel", 16),
          event: event.id,
          type: event.type,
          endpoint: endpoint.id,
          url: endpoint.url,
          payload: "",
          attempt: 0,
          status: behaviour.hold ? "held" : "pending",
          attempts: [],
          related,
        };
        this.deliveries.push(delivery);
        if (!behaviour.hold && !endpoint.url.startsWith("pull://")) this.schedule(delivery, 0);
      }
    }
    return endpoints.length;
  }

  /**
   * The payload is the event as stored when it is sent (pending_webhooks as Stripe counts them).
   * @param {Delivery} delivery
   */
  payloadOf(delivery) {
    if (!delivery.payload) delivery.payload = JSON.stringify(this.store.find(delivery.event), null, 2);
    return delivery.payload;
  }

  /** @param {Delivery} delivery @param {number} delayMs */
  schedule(delivery, delayMs) {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** @param {Delivery} delivery */
  async attempt(delivery) {
    const endpoint = this.store.find(delivery.endpoint);
    if (endpoint?.status !== "enabled" || this.closed) {
      delivery.status = "failed";
      return;
    }
    const payload = this.payloadOf(delivery);
    delivery.attempt += 1;
    /** @type {number | null} */
    let status = null;
    let error;
    try {
      const response = await this.fetch(delivery.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "Stripe-Signature": signPayload(payload, endpoint.secret),
        },
        body: payload,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    delivery.attempts.push({ at: Date.now(), status, ...(error ? { error } : {}) });
    if (status !== null && status >= 200 && status < 300) {
      delivery.status = "succeeded";
      this.settle(delivery);
    } else if (delivery.attempt >= this.retry.maxAttempts) {
      delivery.status = "failed";
      this.settle(delivery);
    } else {
      this.schedule(delivery, this.retry.baseMs * this.retry.factor ** (delivery.attempt - 1));
    }
  }

  /** One endpoint is done with the event: pending_webhooks goes down. @param {Delivery} delivery */
  settle(delivery) {
    const event = this.store.find(delivery.event);
    if (event && event.pending_webhooks > 0 && this.store.has("event", event.id)) {
      this.store.objects.set(event.id, { ...event, pending_webhooks: event.pending_webhooks - 1 });
    }
  }

  /**
   * Sends (or, for pull endpoints, releases) the held deliveries of an endpoint, in its order.
   * @param {string} endpointId
   */
  flush(endpointId) {
    const behaviour = this.behaviourOf(endpointId);
    const held = this.deliveries.filter((d) => d.endpoint === endpointId && d.status === "held");
    const ordered = behaviour.order === "reverse" ? [...held].reverse() : held;
    for (const delivery of ordered) delivery.status = "pending";
    // the order must hold on the wire too: each first attempt starts when the previous one has been answered
    const sends = ordered.filter((d) => !d.url.startsWith("pull://"));
    void (async () => {
      for (const delivery of sends) if (!this.closed) await this.attempt(delivery);
    })();
    if (behaviour.order === "reverse") {
      // pull endpoints are read in log order: move the released ones to the end, reversed
      const rest = this.deliveries.filter((d) => !ordered.includes(d));
      this.deliveries = [...rest, ...ordered];
    }
    return ordered.length;
  }

  /**
   * Deliveries waiting at pull endpoints, signed now; taken ones are not returned again (unless `peek`).
   * @param {{ related?: string, take?: number, peek?: boolean, endpoint?: string, order?: "normal" | "reverse", duplicate?: boolean }} [options]
   */
  pull(options = {}) {
    let waiting = this.deliveries.filter(
      (d) =>
        d.url.startsWith("pull://") &&
        d.status === "pending" &&
        (!options.endpoint || d.endpoint === options.endpoint || d.url === options.endpoint) &&
        (!options.related || d.related.includes(options.related)),
    );
    if (options.take !== undefined) waiting = waiting.slice(0, options.take);
    /** @type {Delivery[]} */
    let out = waiting;
    if (options.order === "reverse") out = [...out].reverse();
    if (options.duplicate) out = out.flatMap((d) => [d, d]);
    return out.map((d) => {
      const endpoint = this.store.find(d.endpoint);
      const payload = this.payloadOf(d);
      if (!options.peek) {
        d.status = "pulled";
        d.attempt += 1;
        d.attempts.push({ at: Date.now(), status: null });
        this.settle(d);
      }
      return {
        id: d.id,
        event: d.event,
        type: d.type,
        url: d.url,
        payload,
        signature: signPayload(payload, endpoint?.secret ?? ""),
        attempt: d.attempt,
      };
    });
  }

  /** @param {{ related?: string, endpoint?: string }} [filter] */
  log(filter = {}) {
    return this.deliveries
      .filter((d) => (!filter.related || d.related.includes(filter.related)) && (!filter.endpoint || d.endpoint === filter.endpoint))
      .map(({ payload: _payload, ...rest }) => rest);
  }

  close() {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * Registers a webhook endpoint with a known secret (the API's create generates one).
 * @param {import("./store.mjs").Store} store
 * @param {{ url: string, secret: string, enabledEvents?: string[], description?: string }} endpoint
 */
export function registerEndpoint(store, endpoint) {
  return store.create("we", {
    object: "webhook_endpoint",
    api_version: null,
    application: null,
    description: endpoint.description ?? null,
    enabled_events: endpoint.enabledEvents ?? ["*"],
    metadata: {},
    secret: endpoint.secret,
    status: "enabled",
    url: endpoint.url,
  });
}
