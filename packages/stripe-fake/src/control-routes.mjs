// @ts-check
// The fake-only control API under /_fake (no API key; the fake listens on loopback): pulled deliveries,
// delivery behaviour per endpoint, the clock, endpoints with a known secret. Payment controls (3-D Secure,
// confirm) live with the payment intents, checkout pages with the checkout sessions.
import { invalidParam, resourceMissing } from "./errors.mjs";
import { registerEndpoint } from "./webhooks.mjs";

/**
 * An endpoint by id (`we_…`) or by url (`pull://tests`).
 * @param {import("./store.mjs").Store} store
 * @param {string} idOrUrl
 */
function endpointOf(store, idOrUrl) {
  if (store.has("webhook_endpoint", idOrUrl)) return store.get("webhook_endpoint", idOrUrl);
  const found = store.all("webhook_endpoint", (e) => e.url === idOrUrl)[0];
  if (!found) throw resourceMissing("webhook_endpoint", idOrUrl);
  return found;
}

/**
 * `take=1` / `{take: 1}`.
 * @param {unknown} value
 */
function count(value) {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw invalidParam("take", "take must be an integer from 0 to 10000");
  return n;
}

/** @param {unknown} value */
function flag(value) {
  return value === true || value === "true" || value === "1";
}

/** @type {import("./router.mjs").Route[]} */
export const controlRoutes = [
  {
    method: "GET",
    path: "/_fake/deliveries",
    auth: false,
    handler: ({ webhooks, query }) => ({
      object: "list",
      data: webhooks.pull({
        related: typeof query.related === "string" ? query.related : undefined,
        endpoint: typeof query.endpoint === "string" ? query.endpoint : undefined,
        take: count(query.take),
        peek: flag(query.peek),
        order: query.order === "reverse" ? "reverse" : "normal",
        duplicate: flag(query.duplicate),
      }),
    }),
  },
  {
    method: "GET",
    path: "/_fake/deliveries/log",
    auth: false,
    handler: ({ webhooks, query }) => ({
      object: "list",
      data: webhooks.log({
        related: typeof query.related === "string" ? query.related : undefined,
        endpoint: typeof query.endpoint === "string" ? query.endpoint : undefined,
      }),
    }),
  },
  {
    method: "POST",
    path: "/_fake/webhook_endpoints",
    auth: false,
    handler: ({ store, body }) => {
      const url = typeof body.url === "string" ? body.url : "";
      const secret = typeof body.secret === "string" ? body.secret : "";
      if (!url || url.length > 2048) throw invalidParam("url", "url is required");
      if (!secret.startsWith("whsec_") || secret.length > 200) throw invalidParam("secret", "secret must be a whsec_… string");
      const events = body.enabledEvents ?? body.enabled_events;
      const enabledEvents = Array.isArray(events) ? events.map(String) : undefined;
      // registering the same url again replaces it (pnpm dev restarts with the same .dev.vars)
      for (const old of store.all("webhook_endpoint", (e) => e.url === url)) store.delete("webhook_endpoint", old.id);
      const { secret: _secret, ...endpoint } = registerEndpoint(store, { url, secret, enabledEvents });
      return endpoint;
    },
  },
  {
    method: "POST",
    path: "/_fake/webhook_endpoints/:id/behaviour",
    auth: false,
    handler: ({ store, webhooks, params, body }) => {
      const endpoint = endpointOf(store, params.id ?? "");
      /** @type {Record<string, unknown>} */
      const change = {};
      if (body.duplicate !== undefined) change.duplicate = flag(body.duplicate);
      if (body.hold !== undefined) change.hold = flag(body.hold);
      if (body.order !== undefined) {
        if (body.order !== "normal" && body.order !== "reverse") throw invalidParam("order", 'order must be "normal" or "reverse"');
        change.order = body.order;
      }
      return { endpoint: endpoint.id, url: endpoint.url, ...webhooks.setBehaviour(endpoint.id, change) };
    },
  },
  {
    method: "POST",
    path: "/_fake/webhook_endpoints/:id/flush",
    auth: false,
    handler: ({ store, webhooks, params }) => {
      const endpoint = endpointOf(store, params.id ?? "");
      return { endpoint: endpoint.id, flushed: webhooks.flush(endpoint.id) };
    },
  },
  { method: "GET", path: "/_fake/clock", auth: false, handler: ({ store }) => ({ now: store.now(), offset: store.offsetSeconds }) },
  {
    method: "POST",
    path: "/_fake/clock/advance",
    auth: false,
    handler: async ({ store, body }) => {
      const seconds = Number(body.seconds);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 10 * 366 * 86400) {
        throw invalidParam("seconds", "seconds must be a non-negative integer (at most ten years)");
      }
      return { now: await store.advance(seconds), offset: store.offsetSeconds };
    },
  },
];
