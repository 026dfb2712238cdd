// @ts-check
// Subscription items (`si_`): https://docs.stripe.com/api/subscription_items. An item lives inside its
// subscription; creating, changing or deleting one is the same change as `POST /v1/subscriptions/:id` with
// `items[]`, so it prorates the same way (`proration_behavior`, `proration_date`).
import { invalidParam, StripeError } from "../errors.mjs";
import { bool, str } from "../params.mjs";
import { updateFromParams } from "./billing-subscription-routes.mjs";

/** @typedef {Record<string, any>} StripeObject */

/**
 * The subscription holding item `id`, and the item; 404 when no subscription has it.
 * @param {import("../store.mjs").Store} store
 * @param {string} id
 */
function findItem(store, id) {
  for (const sub of store.all("subscription")) {
    const item = sub.items.data.find((/** @type {StripeObject} */ i) => i.id === id);
    if (item) return { sub, item };
  }
  throw new StripeError({
    status: 404,
    type: "invalid_request_error",
    code: "resource_missing",
    param: "id",
    message: `No such subscription_item: '${id}'`,
  });
}

/**
 * Runs the subscription update for one item's change and returns the subscription after it.
 * @param {import("../router.mjs").Ctx} ctx
 * @param {string} subId
 * @param {StripeObject} item the `items[0]` param
 */
function changeItems(ctx, subId, item) {
  const body = { items: [item], ...pick(ctx.body, ["proration_behavior", "proration_date", "payment_behavior"]) };
  return updateFromParams({ ...ctx, params: { id: subId }, body });
}

/**
 * @param {StripeObject} body
 * @param {string[]} keys
 */
function pick(body, keys) {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "GET",
    path: "/v1/subscription_items",
    handler(ctx) {
      const subId = /** @type {string} */ (str(ctx.query, "subscription", { required: true }));
      const sub = ctx.store.get("subscription", subId, "subscription");
      return { object: "list", data: sub.items.data, has_more: false, url: "/v1/subscription_items" };
    },
  },
  { method: "GET", path: "/v1/subscription_items/:id", handler: (ctx) => findItem(ctx.store, ctx.params.id ?? "").item },
  {
    method: "POST",
    path: "/v1/subscription_items",
    handler(ctx) {
      const subId = /** @type {string} */ (str(ctx.body, "subscription", { required: true }));
      const before = ctx.store.get("subscription", subId, "subscription");
      const after = changeItems(ctx, subId, pick(ctx.body, ["price", "price_data", "quantity", "metadata"]));
      const added = after.items.data.find(
        (/** @type {StripeObject} */ i) => !before.items.data.some((/** @type {StripeObject} */ b) => b.id === i.id),
      );
      if (!added) throw invalidParam("price", "The item could not be added.");
      return added;
    },
  },
  {
    method: "POST",
    path: "/v1/subscription_items/:id",
    handler(ctx) {
      const { sub, item } = findItem(ctx.store, ctx.params.id ?? "");
      const after = changeItems(ctx, sub.id, { id: item.id, ...pick(ctx.body, ["price", "price_data", "quantity", "metadata"]) });
      return after.items.data.find((/** @type {StripeObject} */ i) => i.id === item.id);
    },
  },
  {
    method: "DELETE",
    path: "/v1/subscription_items/:id",
    handler(ctx) {
      const { sub, item } = findItem(ctx.store, ctx.params.id ?? "");
      if (sub.items.data.length === 1) {
        throw invalidParam(
          "id",
          "A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint on /v1/subscriptions.",
        );
      }
      const params = { ...ctx.query, ...ctx.body };
      if (bool(params, "clear_usage") === false && item.price.recurring?.usage_type === "metered") {
        throw invalidParam("clear_usage", "Deleting a metered item needs `clear_usage=true` (its usage would be lost).");
      }
      updateFromParams({
        ...ctx,
        params: { id: sub.id },
        body: { items: [{ id: item.id, deleted: "true" }], ...pick(params, ["proration_behavior", "proration_date"]) },
      });
      return { id: item.id, object: "subscription_item", deleted: true };
    },
  },
];
