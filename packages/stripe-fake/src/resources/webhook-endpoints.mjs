// @ts-check
// Webhook endpoints (https://docs.stripe.com/api/webhook_endpoints): the secret is shown on create only.
import { randomBytes } from "node:crypto";
import { invalidParam, parameterMissing } from "../errors.mjs";
import { arr, bool, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";

/** @param {Record<string, any>} endpoint */
function view(endpoint) {
  const { secret: _secret, ...rest } = endpoint;
  return rest;
}

/** @param {Record<string, any>} body */
function enabledEvents(body) {
  const events = arr(body, "enabled_events");
  if (events.some((e) => typeof e !== "string" || e.length > 100)) throw invalidParam("enabled_events", "Invalid array");
  return events;
}

/** @param {Record<string, any>} body */
function url(body) {
  const value = str(body, "url", { required: true, max: 2048 });
  if (!value || !(value.startsWith("http://") || value.startsWith("https://") || value.startsWith("pull://"))) {
    throw invalidParam(
      "url",
      "Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally.",
      "url_invalid",
    );
  }
  return value;
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/webhook_endpoints",
    handler: ({ store, body }) => {
      const events = enabledEvents(body);
      if (events.length === 0) throw parameterMissing("enabled_events");
      return store.create("we", {
        object: "webhook_endpoint",
        api_version: str(body, "api_version") ?? null,
        application: null,
        description: str(body, "description") ?? null,
        enabled_events: events,
        metadata: mergeMetadata({}, body.metadata),
        secret: `whsec_${randomBytes(24).toString("hex")}`,
        status: "enabled",
        url: url(body),
      });
    },
  },
  {
    method: "GET",
    path: "/v1/webhook_endpoints",
    handler: ({ store, query }) => {
      const list = store.list("webhook_endpoint", {}, query, "/v1/webhook_endpoints");
      return { ...list, data: list.data.map(view) };
    },
  },
  {
    method: "GET",
    path: "/v1/webhook_endpoints/:id",
    handler: ({ store, params }) => view(store.get("webhook_endpoint", params.id ?? "")),
  },
  {
    method: "POST",
    path: "/v1/webhook_endpoints/:id",
    handler: ({ store, params, body }) => {
      const current = store.get("webhook_endpoint", params.id ?? "");
      /** @type {Record<string, any>} */
      const patch = { metadata: mergeMetadata(current.metadata, body.metadata) };
      if (body.url !== undefined) patch.url = url(body);
      if (body.enabled_events !== undefined) patch.enabled_events = enabledEvents(body);
      if (body.description !== undefined) patch.description = str(body, "description") ?? null;
      const disabled = bool(body, "disabled");
      if (disabled !== undefined) patch.status = disabled ? "disabled" : "enabled";
      return view(store.update("webhook_endpoint", current.id, patch));
    },
  },
  {
    method: "DELETE",
    path: "/v1/webhook_endpoints/:id",
    handler: ({ store, params }) => {
      const gone = store.delete("webhook_endpoint", params.id ?? "");
      return { id: gone.id, object: "webhook_endpoint", deleted: true };
    },
  },
];
