// @ts-check
// Products (`prod_`) and Prices (`price_`): https://docs.stripe.com/api/products, https://docs.stripe.com/api/prices.
// A price belongs to one product; its amount, currency and recurring terms never change after creation (only
// active, nickname, lookup_key, metadata, tax_behavior do). A lookup_key names one price at a time: taking a key
// another price holds needs `transfer_lookup_key=true`.
import { invalidParam } from "../errors.mjs";
import { arr, bool, currency, int, obj, oneOf, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";
import { boundedInt, MAX_UNIT_AMOUNT } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {import("../params.mjs").Params} Params */

const INTERVALS = /** @type {const} */ (["day", "week", "month", "year"]);
const MAX_INTERVAL_YEARS = 3;

/**
 * @param {{ store: import("../store.mjs").Store }} ctx
 * @param {Params} body product params (`name`, `description`, ...)
 * @param {string} [id]
 */
function newProduct(ctx, body, id) {
  const now = ctx.store.now();
  return ctx.store.create("prod", {
    ...(id ? { id } : {}),
    object: "product",
    active: bool(body, "active") ?? true,
    default_price: null,
    description: str(body, "description", { max: 40_000 }) ?? null,
    images: arr(body, "images").map(String),
    marketing_features: arr(body, "marketing_features").map((f) => ({ name: String(f?.name ?? "") })),
    metadata: mergeMetadata({}, body.metadata),
    name: /** @type {string} */ (str(body, "name", { required: true, max: 250 })),
    package_dimensions: null,
    shippable: bool(body, "shippable") ?? null,
    statement_descriptor: str(body, "statement_descriptor", { max: 22 }) ?? null,
    tax_code: str(body, "tax_code") ?? null,
    type: "service",
    unit_label: str(body, "unit_label", { max: 12 }) ?? null,
    updated: now,
    url: str(body, "url") ?? null,
  });
}

/**
 * Validates `recurring[...]` of a price (or of `price_data`).
 * @param {{ store: import("../store.mjs").Store }} ctx
 * @param {Params | undefined} recurring
 * @param {string} param the param prefix for errors ("recurring", "items[0][price_data][recurring]")
 */
function recurringOf(ctx, recurring, param) {
  if (!recurring) return null;
  const interval = /** @type {import("./billing-util.mjs").Interval} */ (recurring.interval);
  if (!INTERVALS.includes(interval)) {
    throw invalidParam(
      `${param}[interval]`,
      `Invalid ${param}[interval]: must be one of day, week, month, or year`,
      interval ? undefined : "parameter_missing",
    );
  }
  const count = int(recurring, "interval_count", { min: 1 }) ?? 1;
  const perYear = { day: 365, week: 52, month: 12, year: 1 }[interval];
  if (count > perYear * MAX_INTERVAL_YEARS) {
    throw invalidParam(`${param}[interval_count]`, "The maximum billing frequency is three years (3 years, 36 months, or 156 weeks).");
  }
  const usageType = oneOf(recurring, "usage_type", /** @type {const} */ (["licensed", "metered"])) ?? "licensed";
  const meter = str(recurring, "meter") ?? null;
  if (usageType === "metered" && !meter) {
    throw invalidParam(`${param}[meter]`, "A meter is required for prices with `recurring[usage_type]=metered`.");
  }
  if (meter) {
    if (usageType !== "metered")
      throw invalidParam(`${param}[meter]`, "`recurring[meter]` can only be set when `recurring[usage_type]=metered`.");
    ctx.store.get("billing.meter", meter, `${param}[meter]`);
  }
  return { interval, interval_count: count, meter, trial_period_days: null, usage_type: usageType };
}

/**
 * Creates a price from `price` params or from inline `price_data` (subscriptions, invoice items, checkout).
 * @param {{ store: import("../store.mjs").Store }} ctx
 * @param {Params} body
 * @param {{ param?: string, inline?: boolean }} [options] `inline` for price_data: the price is created inactive
 *   like Stripe's ad-hoc prices and no lookup_key is accepted
 * @returns {StripeObject}
 */
export function createPrice(ctx, body, options = {}) {
  const param = options.param ? `${options.param}[` : "";
  const close = options.param ? "]" : "";
  const cur = /** @type {string} */ (currency(body, "currency", { required: true, param: `${param}currency${close}` }));
  let productId = str(body, "product");
  const productData = obj(body, "product_data");
  if (productId && productData)
    throw invalidParam(`${param}product_data${close}`, "You may only specify one of these parameters: product, product_data.");
  if (productId) ctx.store.get("product", productId, `${param}product${close}`);
  else if (productData) productId = newProduct(ctx, productData).id;
  else throw invalidParam(`${param}product${close}`, "Missing required param: product.", "parameter_missing");
  const billingScheme = oneOf(body, "billing_scheme", /** @type {const} */ (["per_unit", "tiered"])) ?? "per_unit";
  if (billingScheme === "tiered") throw invalidParam(`${param}billing_scheme${close}`, "The Stripe fake supports per_unit prices only.");
  let unitAmount = boundedInt(body, "unit_amount", MAX_UNIT_AMOUNT, `${param}unit_amount${close}`);
  const decimal = str(body, "unit_amount_decimal");
  if (unitAmount === undefined && decimal !== undefined) {
    const n = Number(decimal);
    if (!Number.isFinite(n) || n < 0 || decimal.length > 20)
      throw invalidParam(`${param}unit_amount_decimal${close}`, `Invalid decimal: ${decimal.slice(0, 20)}`);
    unitAmount = Math.round(n);
  }
  if (unitAmount === undefined)
    throw invalidParam(`${param}unit_amount${close}`, "Missing required param: unit_amount.", "parameter_missing");
  const recurring = recurringOf(ctx, obj(body, "recurring"), `${param}recurring${close}`);
  const lookupKey = options.inline ? undefined : str(body, "lookup_key", { max: 200 });
  if (lookupKey) claimLookupKey(ctx, lookupKey, bool(body, "transfer_lookup_key") ?? false, `${param}lookup_key${close}`);
  const price = ctx.store.create("price", {
    object: "price",
    active: options.inline ? false : (bool(body, "active") ?? true),
    billing_scheme: "per_unit",
    currency: cur,
    custom_unit_amount: null,
    lookup_key: lookupKey ?? null,
    metadata: mergeMetadata({}, body.metadata),
    nickname: str(body, "nickname") ?? null,
    product: productId,
    recurring,
    tax_behavior: oneOf(body, "tax_behavior", /** @type {const} */ (["exclusive", "inclusive", "unspecified"])) ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  });
  ctx.store.emit("price.created", price);
  return price;
}

/**
 * Takes a lookup key for a new or updated price: 400 when another price holds it, unless `transfer`.
 * @param {{ store: import("../store.mjs").Store }} ctx
 * @param {string} key
 * @param {boolean} transfer
 * @param {string} param
 * @param {string} [selfId]
 */
function claimLookupKey(ctx, key, transfer, param, selfId) {
  const holder = ctx.store.all("price", (p) => p.lookup_key === key && p.id !== selfId)[0];
  if (!holder) return;
  if (!transfer) {
    throw invalidParam(
      param,
      `A price (\`${holder.id}\`) already uses that lookup key. Set \`transfer_lookup_key=true\` to move it to this price.`,
    );
  }
  ctx.store.update("price", holder.id, { lookup_key: null }, { emit: "price.updated" });
}

/**
 * The price of a subscription item or invoice item: `price` (an id) or `price_data` (inline, created here).
 * @param {{ store: import("../store.mjs").Store }} ctx
 * @param {Params} item
 * @param {string} param e.g. "items[0]"
 * @param {{ recurring?: boolean }} [options]
 */
export function priceOfItem(ctx, item, param, options = {}) {
  const priceId = str(item, "price");
  const data = obj(item, "price_data");
  if (priceId && data) throw invalidParam(`${param}[price_data]`, "You may only specify one of these parameters: price, price_data.");
  if (!priceId && !data) throw invalidParam(`${param}[price]`, "Missing required param: price.", "parameter_missing");
  const price = priceId
    ? ctx.store.get("price", priceId, `${param}[price]`)
    : createPrice(ctx, data ?? {}, { param: `${param}[price_data]`, inline: true });
  if (priceId && !price.active)
    throw invalidParam(`${param}[price]`, `The price specified is inactive. This field only accepts active prices.`);
  if (options.recurring && price.type !== "recurring") {
    throw invalidParam(
      `${param}[price]`,
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
    );
  }
  return price;
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/products",
    handler(ctx) {
      const id = str(ctx.body, "id", { max: 100 });
      if (id && ctx.store.find(id)) throw invalidParam("id", `Product already exists.`, "resource_already_exists");
      const product = newProduct(ctx, ctx.body, id);
      ctx.store.emit("product.created", product);
      const defaultPrice = obj(ctx.body, "default_price_data");
      if (!defaultPrice) return product;
      const price = createPrice(ctx, { ...defaultPrice, product: product.id }, { param: "default_price_data" });
      return ctx.store.update("product", product.id, { default_price: price.id }, { emit: "product.updated" });
    },
  },
  {
    method: "GET",
    path: "/v1/products/:id",
    handler: (ctx) => ctx.store.get("product", ctx.params.id ?? ""),
  },
  {
    method: "POST",
    path: "/v1/products/:id",
    handler(ctx) {
      const product = ctx.store.get("product", ctx.params.id ?? "");
      /** @type {StripeObject} */
      const patch = { updated: ctx.store.now() };
      for (const key of ["name", "description", "statement_descriptor", "unit_label", "url", "tax_code"]) {
        if (ctx.body[key] !== undefined) patch[key] = str(ctx.body, key) ?? null;
      }
      if (patch.name === null) throw invalidParam("name", "You cannot unset the name of a product.");
      const active = bool(ctx.body, "active");
      if (active !== undefined) patch.active = active;
      if (ctx.body.metadata !== undefined) patch.metadata = mergeMetadata(product.metadata, ctx.body.metadata);
      if (ctx.body.images !== undefined) patch.images = arr(ctx.body, "images").map(String);
      const defaultPrice = str(ctx.body, "default_price");
      if (defaultPrice) {
        const price = ctx.store.get("price", defaultPrice, "default_price");
        if (price.product !== product.id) throw invalidParam("default_price", "The default price must belong to this product.");
        patch.default_price = price.id;
      }
      return ctx.store.update("product", product.id, patch, { emit: "product.updated" });
    },
  },
  {
    method: "DELETE",
    path: "/v1/products/:id",
    handler(ctx) {
      const product = ctx.store.get("product", ctx.params.id ?? "");
      if (ctx.store.all("price", { product: product.id }).length > 0) {
        throw invalidParam("id", "This product cannot be deleted because it has one or more user-created prices.");
      }
      ctx.store.delete("product", product.id);
      ctx.store.emit("product.deleted", product);
      return { id: product.id, object: "product", deleted: true };
    },
  },
  {
    method: "GET",
    path: "/v1/products",
    handler(ctx) {
      const active = bool(ctx.query, "active");
      const ids = arr(ctx.query, "ids");
      const shippable = bool(ctx.query, "shippable");
      return ctx.store.list(
        "product",
        (/** @type {StripeObject} */ p) =>
          (active === undefined || p.active === active) &&
          (ids.length === 0 || ids.includes(p.id)) &&
          (shippable === undefined || p.shippable === shippable),
        ctx.query,
        "/v1/products",
      );
    },
  },
  {
    method: "POST",
    path: "/v1/prices",
    handler: (ctx) => createPrice(ctx, ctx.body),
  },
  {
    method: "GET",
    path: "/v1/prices/:id",
    handler: (ctx) => ctx.store.get("price", ctx.params.id ?? ""),
  },
  {
    method: "POST",
    path: "/v1/prices/:id",
    handler(ctx) {
      const price = ctx.store.get("price", ctx.params.id ?? "");
      /** @type {StripeObject} */
      const patch = {};
      const active = bool(ctx.body, "active");
      if (active !== undefined) patch.active = active;
      if (ctx.body.nickname !== undefined) patch.nickname = str(ctx.body, "nickname") ?? null;
      if (ctx.body.metadata !== undefined) patch.metadata = mergeMetadata(price.metadata, ctx.body.metadata);
      const tax = oneOf(ctx.body, "tax_behavior", /** @type {const} */ (["exclusive", "inclusive", "unspecified"]));
      if (tax) patch.tax_behavior = tax;
      if (ctx.body.lookup_key !== undefined) {
        const key = str(ctx.body, "lookup_key", { max: 200 });
        if (key) claimLookupKey(ctx, key, bool(ctx.body, "transfer_lookup_key") ?? false, "lookup_key", price.id);
        patch.lookup_key = key ?? null;
      }
      for (const key of ["unit_amount", "currency", "recurring", "product"]) {
        if (ctx.body[key] !== undefined) throw invalidParam(key, `Received unknown parameter: ${key}`, "parameter_unknown");
      }
      return ctx.store.update("price", price.id, patch, { emit: "price.updated" });
    },
  },
  {
    method: "GET",
    path: "/v1/prices",
    handler(ctx) {
      const q = ctx.query;
      const active = bool(q, "active");
      const cur = str(q, "currency")?.toLowerCase();
      const product = str(q, "product");
      const type = oneOf(q, "type", /** @type {const} */ (["one_time", "recurring"]));
      const lookupKeys = arr(q, "lookup_keys").map(String);
      if (lookupKeys.length > 10) throw invalidParam("lookup_keys", "You may pass at most 10 lookup keys.");
      const recurring = obj(q, "recurring") ?? {};
      const interval = oneOf(recurring, "interval", INTERVALS);
      const usageType = oneOf(recurring, "usage_type", /** @type {const} */ (["licensed", "metered"]));
      const meter = str(recurring, "meter");
      return ctx.store.list(
        "price",
        (/** @type {StripeObject} */ p) =>
          (active === undefined || p.active === active) &&
          (!cur || p.currency === cur) &&
          (!product || p.product === product) &&
          (!type || p.type === type) &&
          (lookupKeys.length === 0 || lookupKeys.includes(p.lookup_key)) &&
          (!interval || p.recurring?.interval === interval) &&
          (!usageType || p.recurring?.usage_type === usageType) &&
          (!meter || p.recurring?.meter === meter),
        q,
        "/v1/prices",
      );
    },
  },
];
