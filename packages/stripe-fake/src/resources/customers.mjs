// @ts-check
// Customers (https://docs.stripe.com/api/customers): create, retrieve, update, list (email filter), delete.
import { StripeError } from "../errors.mjs";
import { int, obj, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";
import { inRange } from "./events.mjs";

const ADDRESS_KEYS = ["city", "country", "line1", "line2", "postal_code", "state"];

/** @param {Record<string, any> | undefined} address */
function addressOf(address) {
  if (!address) return null;
  return Object.fromEntries(ADDRESS_KEYS.map((k) => [k, typeof address[k] === "string" ? address[k] : null]));
}

/**
 * The fields a create or update may set.
 * @param {Record<string, any>} body
 * @param {Record<string, any>} current
 */
function fields(body, current) {
  /** @type {Record<string, any>} */
  const patch = {};
  for (const key of ["email", "name", "phone", "description"]) {
    if (body[key] !== undefined) patch[key] = str(body, key, { max: key === "email" ? 512 : 5000 }) ?? null;
  }
  if (body.address !== undefined) patch.address = body.address === "" ? null : addressOf(obj(body, "address"));
  if (body.balance !== undefined) patch.balance = int(body, "balance") ?? 0;
  if (body.metadata !== undefined) patch.metadata = mergeMetadata(current.metadata ?? {}, body.metadata);
  if (body.invoice_settings !== undefined) {
    const settings = obj(body, "invoice_settings") ?? {};
    const pm = settings.default_payment_method;
    patch.invoice_settings = { ...current.invoice_settings, default_payment_method: typeof pm === "string" && pm !== "" ? pm : null };
  }
  if (patch.email && (patch.email.length < 3 || !patch.email.includes("@"))) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      code: "email_invalid",
      param: "email",
      message: `Invalid email address: ${patch.email}`,
    });
  }
  return patch;
}

/**
 * A new customer's fields as Stripe fills them (everything empty); the create route and a Checkout Session
 * that makes its own customer spread their values over it.
 *
 * @param {Record<string, unknown>} [values]
 * @returns {Record<string, unknown>}
 */
export function customerDefaults(values = {}) {
  return {
    object: "customer",
    address: null,
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: Math.random().toString(16).slice(2, 9).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
    ...values,
  };
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/customers",
    handler: ({ store, body }) => {
      const base = customerDefaults();
      const customer = store.create("cus", { ...base, ...fields(body, base) });
      store.emit("customer.created", customer);
      return customer;
    },
  },
  { method: "GET", path: "/v1/customers/:id", handler: ({ store, params }) => retrieve(store, params.id ?? "") },
  {
    method: "POST",
    path: "/v1/customers/:id",
    handler: ({ store, params, body }) => {
      const current = store.get("customer", params.id ?? "");
      return store.update("customer", current.id, fields(body, current), { emit: "customer.updated" });
    },
  },
  {
    method: "GET",
    path: "/v1/customers",
    handler: ({ store, query }) => {
      const email = str(query, "email", { max: 512 });
      return store.list("customer", (c) => (!email || c.email === email) && inRange(query.created, c.created), query, "/v1/customers");
    },
  },
  {
    method: "DELETE",
    path: "/v1/customers/:id",
    handler: ({ store, params }) => {
      const gone = store.delete("customer", params.id ?? "");
      store.emit("customer.deleted", gone);
      store.create("cus", { id: gone.id, object: "deleted_customer", deleted: true });
      return { id: gone.id, object: "customer", deleted: true };
    },
  },
];

/**
 * A deleted customer retrieves as `{id, object: "customer", deleted: true}` (Stripe keeps the stub).
 * @param {import("../store.mjs").Store} store
 * @param {string} id
 */
function retrieve(store, id) {
  if (store.has("deleted_customer", id)) return { id, object: "customer", deleted: true };
  return store.get("customer", id);
}
