// @ts-check
// Billing Meters (`mtr_`) and meter events: https://docs.stripe.com/api/billing/meter. A meter counts the events
// that carry its `event_name`, per customer (`payload[stripe_customer_id]` by default), aggregated with `sum`,
// `count` or `last`; a metered price (`recurring[meter]`) bills that aggregate for the period just ended.
// Unlike Stripe, which accepts meter events and reports problems later (meter error reports), the fake refuses a
// bad event at once (unknown meter, missing customer or value): a test sees the mistake where it made it.
import { invalidParam } from "../errors.mjs";
import { int, obj, oneOf, str } from "../params.mjs";

/** @typedef {Record<string, any>} StripeObject */

const DAY = 86_400;
const IDENTIFIER_WINDOW = DAY;
const PAST_LIMIT = 35 * DAY;
const FUTURE_LIMIT = 5 * 60;

/**
 * The value of a meter for a customer over [start, end) (event timestamps), as the invoice bills it.
 * @param {import("../store.mjs").Store} store
 * @param {StripeObject} meter
 * @param {string} customer
 * @param {number} start
 * @param {number} end
 */
export function meterUsage(store, meter, customer, start, end) {
  const events = store
    .all(
      "billing.meter_event",
      (e) => e.event_name === meter.event_name && e.customer === customer && e.timestamp >= start && e.timestamp < end,
    )
    .reverse() // store.all is newest first; reversed, equal timestamps keep the order they were recorded in
    .sort((a, b) => a.timestamp - b.timestamp);
  const formula = meter.default_aggregation.formula;
  if (formula === "count") return events.length;
  if (formula === "last") return events.length === 0 ? 0 : Number(events[events.length - 1]?.value ?? 0);
  return events.reduce((sum, e) => sum + Number(e.value), 0);
}

/**
 * The meter event as Stripe returns it (the stored copy carries a private id and the resolved customer).
 * @param {StripeObject} stored
 */
function meterEventView(stored) {
  return {
    object: "billing.meter_event",
    created: stored.created,
    event_name: stored.event_name,
    identifier: stored.identifier,
    livemode: false,
    payload: stored.payload,
    timestamp: stored.timestamp,
  };
}

/**
 * @param {StripeObject} meter
 * @param {string} customer
 * @param {number} start
 * @param {number} end
 * @param {number} value
 */
function summary(meter, customer, start, end, value) {
  return {
    id: `mtrusg_${meter.id.slice(4, 16)}${start.toString(36)}${customer.slice(-6)}`,
    object: "billing.meter_event_summary",
    aggregated_value: value,
    end_time: end,
    livemode: false,
    meter: meter.id,
    start_time: start,
  };
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/billing/meters",
    handler(ctx) {
      const body = ctx.body;
      const eventName = /** @type {string} */ (str(body, "event_name", { required: true, max: 100 }));
      if (ctx.store.all("billing.meter", (m) => m.event_name === eventName && m.status === "active").length > 0) {
        throw invalidParam("event_name", `An active meter with event_name \`${eventName}\` already exists.`);
      }
      const aggregation = obj(body, "default_aggregation");
      if (!aggregation) throw invalidParam("default_aggregation", "Missing required param: default_aggregation.", "parameter_missing");
      const formula = oneOf(aggregation, "formula", /** @type {const} */ (["sum", "count", "last"]), { required: true });
      const mapping = obj(body, "customer_mapping") ?? {};
      const values = obj(body, "value_settings") ?? {};
      const meter = ctx.store.create("mtr", {
        object: "billing.meter",
        customer_mapping: { event_payload_key: str(mapping, "event_payload_key", { max: 100 }) ?? "stripe_customer_id", type: "by_id" },
        default_aggregation: { formula },
        display_name: str(body, "display_name", { required: true, max: 250 }),
        event_name: eventName,
        event_time_window: oneOf(body, "event_time_window", /** @type {const} */ (["day", "hour"])) ?? null,
        status: "active",
        status_transitions: { deactivated_at: null },
        updated: ctx.now(),
        value_settings: { event_payload_key: str(values, "event_payload_key", { max: 100 }) ?? "value" },
      });
      return meter;
    },
  },
  {
    method: "GET",
    path: "/v1/billing/meters/:id",
    handler: (ctx) => ctx.store.get("billing.meter", ctx.params.id ?? ""),
  },
  {
    method: "POST",
    path: "/v1/billing/meters/:id",
    handler(ctx) {
      const meter = ctx.store.get("billing.meter", ctx.params.id ?? "");
      const name = str(ctx.body, "display_name", { max: 250 });
      return ctx.store.update("billing.meter", meter.id, name ? { display_name: name, updated: ctx.now() } : {});
    },
  },
  {
    method: "POST",
    path: "/v1/billing/meters/:id/deactivate",
    handler(ctx) {
      const meter = ctx.store.get("billing.meter", ctx.params.id ?? "");
      return ctx.store.update("billing.meter", meter.id, {
        status: "inactive",
        status_transitions: { deactivated_at: ctx.now() },
        updated: ctx.now(),
      });
    },
  },
  {
    method: "POST",
    path: "/v1/billing/meters/:id/reactivate",
    handler(ctx) {
      const meter = ctx.store.get("billing.meter", ctx.params.id ?? "");
      if (
        ctx.store.all("billing.meter", (m) => m.event_name === meter.event_name && m.status === "active" && m.id !== meter.id).length > 0
      ) {
        throw invalidParam("id", `An active meter with event_name \`${meter.event_name}\` already exists.`);
      }
      return ctx.store.update("billing.meter", meter.id, {
        status: "active",
        status_transitions: { deactivated_at: null },
        updated: ctx.now(),
      });
    },
  },
  {
    method: "GET",
    path: "/v1/billing/meters",
    handler(ctx) {
      const status = oneOf(ctx.query, "status", /** @type {const} */ (["active", "inactive"]));
      return ctx.store.list("billing.meter", (m) => !status || m.status === status, ctx.query, "/v1/billing/meters");
    },
  },
  {
    method: "GET",
    path: "/v1/billing/meters/:id/event_summaries",
    handler(ctx) {
      const meter = ctx.store.get("billing.meter", ctx.params.id ?? "");
      const q = ctx.query;
      const customer = /** @type {string} */ (str(q, "customer", { required: true }));
      const start = /** @type {number} */ (int(q, "start_time", { required: true, min: 0 }));
      const end = /** @type {number} */ (int(q, "end_time", { required: true, min: 0 }));
      if (end <= start) throw invalidParam("end_time", "end_time must be after start_time.");
      const window = oneOf(q, "value_grouping_window", /** @type {const} */ (["day", "hour"]));
      const step = window === "day" ? DAY : window === "hour" ? 3600 : end - start;
      if ((end - start) / step > 1000)
        throw invalidParam("value_grouping_window", "Too many summaries for this range; use a wider value_grouping_window.");
      /** @type {StripeObject[]} */
      const data = [];
      for (let from = start; from < end; from += step) {
        const to = Math.min(end, from + step);
        data.push(summary(meter, customer, from, to, meterUsage(ctx.store, meter, customer, from, to)));
      }
      const limit = int(q, "limit", { min: 1 }) ?? 10;
      return {
        object: "list",
        data: data.slice(0, Math.min(limit, 100)),
        has_more: data.length > limit,
        url: `/v1/billing/meters/${meter.id}/event_summaries`,
      };
    },
  },
  {
    method: "POST",
    path: "/v1/billing/meter_events",
    handler(ctx) {
      const body = ctx.body;
      const eventName = /** @type {string} */ (str(body, "event_name", { required: true, max: 100 }));
      const payload = obj(body, "payload");
      if (!payload) throw invalidParam("payload", "Missing required param: payload.", "parameter_missing");
      const meter = ctx.store.all("billing.meter", (m) => m.event_name === eventName && m.status === "active")[0];
      if (!meter) throw invalidParam("event_name", `No active meter was found for event_name \`${eventName}\`.`);
      const customerKey = meter.customer_mapping.event_payload_key;
      const valueKey = meter.value_settings.event_payload_key;
      const customer = str(payload, customerKey);
      if (!customer) throw invalidParam(`payload[${customerKey}]`, `Missing required param: payload[${customerKey}].`, "parameter_missing");
      ctx.store.get("customer", customer, `payload[${customerKey}]`);
      const raw = payload[valueKey];
      let value = 1;
      if (meter.default_aggregation.formula !== "count" || raw !== undefined) {
        const text = typeof raw === "string" ? raw : "";
        value = Number(text);
        if (text === "" || text.length > 30 || !Number.isFinite(value)) {
          throw invalidParam(`payload[${valueKey}]`, `The value of payload[${valueKey}] must be a number.`);
        }
      }
      const now = ctx.now();
      const timestamp = int(body, "timestamp", { min: 0 }) ?? now;
      if (timestamp < now - PAST_LIMIT || timestamp > now + FUTURE_LIMIT) {
        throw invalidParam("timestamp", "Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.");
      }
      const identifier = str(body, "identifier", { max: 100 }) ?? `${now.toString(36)}-${Math.random().toString(36).slice(2, 14)}`;
      const duplicate = ctx.store.all("billing.meter_event", (e) => e.identifier === identifier && e.created > now - IDENTIFIER_WINDOW)[0];
      if (duplicate) {
        throw invalidParam(
          "identifier",
          `An event with identifier \`${identifier}\` was already recorded in the last 24 hours; it is not counted twice.`,
          "duplicate_meter_event",
        );
      }
      const stored = ctx.store.create("mev", {
        object: "billing.meter_event",
        customer,
        event_name: eventName,
        identifier,
        payload: Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, String(v)])),
        timestamp,
        value,
      });
      return meterEventView(stored);
    },
  },
];
