// @ts-check
// Events (https://docs.stripe.com/api/events): retrieve, and list filtered by type / types[] / created.
import { arr, str } from "../params.mjs";

/**
 * `created[gte]=…` style range filter.
 * @param {unknown} range
 * @param {number} value
 */
export function inRange(range, value) {
  if (range === undefined) return true;
  if (typeof range === "string") return value === Number(range);
  const r = /** @type {Record<string, string>} */ (range);
  return (
    (r.gt === undefined || value > Number(r.gt)) &&
    (r.gte === undefined || value >= Number(r.gte)) &&
    (r.lt === undefined || value < Number(r.lt)) &&
    (r.lte === undefined || value <= Number(r.lte))
  );
}

/**
 * Stripe's `type` filter accepts one `*` wildcard (`payment_intent.*`).
 * @param {string} pattern
 * @param {string} type
 */
function typeMatches(pattern, type) {
  if (!pattern.includes("*")) return pattern === type;
  const [head = "", tail = ""] = pattern.split("*", 2);
  return type.length >= head.length + tail.length && type.startsWith(head) && type.endsWith(tail);
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  { method: "GET", path: "/v1/events/:id", handler: ({ store, params }) => store.get("event", params.id ?? "") },
  {
    method: "GET",
    path: "/v1/events",
    handler: ({ store, query }) => {
      const type = str(query, "type", { max: 200 });
      const types = arr(query, "types").map(String);
      return store.list(
        "event",
        (e) => (!type || typeMatches(type, e.type)) && (types.length === 0 || types.includes(e.type)) && inRange(query.created, e.created),
        query,
        "/v1/events",
      );
    },
  },
];
