// @ts-check
// Checkout Sessions (https://docs.stripe.com/api/checkout/sessions). `url` is a page of the stand-in
// (`/c/pay/<cs_id>`) a person opens; its form posts to `/c/pay/<cs_id>/complete` (tests post there too),
// which pays (payment mode: a PaymentIntent confirmed with the chosen test card; subscription mode: B's
// `createSubscriptionFromCheckout` hook), emits checkout.session.completed and redirects 303 to success_url.
import { invalidParam, parameterMissing, StripeError } from "../errors.mjs";
import { arr, currency, int, obj, oneOf, str } from "../params.mjs";
import { reply } from "../router.mjs";
import { mergeMetadata, newId } from "../store.mjs";
import { customerDefaults } from "./customers.mjs";
import { inRange } from "./events.mjs";
import { authenticatePaymentIntent, confirmPaymentIntent, createPaymentIntent, money } from "./payment-intents.mjs";
import { resolvePaymentMethod } from "./payment-methods.mjs";

/** @typedef {import("../store.mjs").Store} Store */
/** @typedef {Record<string, any>} Session */

const DAY = 24 * 60 * 60;

/**
 * The price of a line item: a stored `price_…` or an inline one from `price_data`.
 * @param {Store} store
 * @param {Record<string, any>} item
 * @param {number} i
 * @param {() => number} now
 */
function priceOf(store, item, i, now) {
  if (typeof item.price === "string" && item.price !== "") return store.get("price", item.price, `line_items[${i}][price]`);
  const data = item.price_data;
  if (!data || typeof data !== "object") throw parameterMissing(`line_items[${i}][price]`);
  const unitAmount = int(data, "unit_amount", { required: true, min: 0 });
  const cur = /** @type {string} */ (currency(data, "currency", { required: true, param: `line_items[${i}][price_data][currency]` }));
  const productData = data.product_data && typeof data.product_data === "object" ? data.product_data : undefined;
  const product = typeof data.product === "string" ? data.product : undefined;
  if (!product && !productData?.name) throw parameterMissing(`line_items[${i}][price_data][product_data][name]`);
  const recurring =
    data.recurring && typeof data.recurring === "object"
      ? {
          interval: data.recurring.interval,
          interval_count: Number(data.recurring.interval_count ?? 1),
          usage_type: "licensed",
          meter: null,
          trial_period_days: null,
        }
      : null;
  const productId =
    product ??
    store.create("prod", {
      object: "product",
      active: true,
      default_price: null,
      description: typeof productData?.description === "string" ? productData.description : null,
      images: [],
      marketing_features: [],
      metadata: mergeMetadata({}, productData?.metadata),
      name: String(productData?.name),
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      type: "service",
      unit_label: null,
      updated: now(),
      url: null,
    }).id;
  return store.create("price", {
    object: "price",
    active: false,
    billing_scheme: "per_unit",
    currency: cur,
    custom_unit_amount: null,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productId,
    recurring,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  });
}

/**
 * @param {Store} store
 * @param {Record<string, any>} body
 * @param {"payment" | "subscription" | "setup"} mode
 * @param {() => number} now
 */
function lineItemsOf(store, body, mode, now) {
  const items = arr(body, "line_items");
  if (items.length === 0 && mode !== "setup") throw parameterMissing("line_items");
  if (items.length > 100) throw invalidParam("line_items", "You may only specify up to 100 line items.");
  return items.map((item, i) => {
    if (!item || typeof item !== "object") throw invalidParam(`line_items[${i}]`, "Invalid object");
    const price = priceOf(store, item, i, now);
    const quantity = int(item, "quantity", { min: 1 }) ?? 1;
    if (mode === "payment" && price.recurring) {
      throw invalidParam(`line_items[${i}][price]`, "You must be in subscription mode to use recurring prices.");
    }
    const product = store.find(price.product);
    const amount = price.unit_amount * quantity;
    return {
      id: newId("li"),
      object: "item",
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: product?.name ?? null,
      price,
      quantity,
    };
  });
}

/** The session as the API shows it: line_items only when expanded, subscription_data never. @param {Session} session */
function withoutItems(session) {
  const { line_items: _items, subscription_data: _data, ...rest } = session;
  return rest;
}

/** What `createSubscriptionFromCheckout` reads: trial_period_days, metadata, description. @param {Record<string, any>} body */
function subscriptionData(body) {
  const data = obj(body, "subscription_data");
  if (!data) return null;
  return {
    description: typeof data.description === "string" ? data.description : null,
    metadata: mergeMetadata({}, data.metadata),
    trial_period_days: int(data, "trial_period_days", { min: 1 }) ?? null,
  };
}

/** @param {unknown} value */
function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @param {Session} session
 * @param {string} [error]
 */
function page(session, error) {
  const rows = session.line_items.data
    .map(
      (/** @type {any} */ li) =>
        `<tr><td>${esc(li.description ?? li.price.id)}</td><td>× ${li.quantity}</td><td>${esc(money(li.amount_total, li.currency))}</td></tr>`,
    )
    .join("");
  const cards = ["visa", "mastercard", "chargeDeclined", "chargeDeclinedInsufficientFunds", "authenticationRequired"]
    .map((c) => `<option value="pm_card_${c}">pm_card_${c}</option>`)
    .join("");
  const body =
    session.status === "open"
      ? `<form method="post" action="/c/pay/${esc(session.id)}/complete">
<p><label>Email <input name="email" type="email" value="${esc(session.customer_email ?? "")}"></label></p>
<p><label>Test card <select name="payment_method">${cards}</select></label></p>
<button>${session.mode === "subscription" ? "Subscribe" : "Pay"} ${esc(money(session.amount_total, session.currency))}</button></form>
${session.cancel_url ? `<p><a href="${esc(session.cancel_url)}">Cancel</a></p>` : ""}`
      : `<p>This Checkout Session is ${esc(session.status)}.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout (Stripe stand-in)</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto"><h1>Checkout (Stripe stand-in)</h1>
${error ? `<p role="alert" style="color:#b00">${esc(error)}</p>` : ""}<table>${rows}</table>
<p><strong>Total ${esc(money(session.amount_total, session.currency))}</strong></p>${body}</body></html>`;
}

/**
 * Expires an open session (API call or its expires_at passed).
 * @param {Store} store
 * @param {Session} session
 */
function expire(store, session) {
  const expired = store.update("checkout.session", session.id, { status: "expired" });
  store.emit("checkout.session.expired", withoutItems(expired));
  return expired;
}

/**
 * Pays an open session with a test card and completes it.
 * @param {import("../router.mjs").Ctx} ctx
 * @param {Session} session
 * @param {{ paymentMethod: string, email?: string }} input
 */
export async function completeSession(ctx, session, input) {
  const { store } = ctx;
  if (session.status !== "open") {
    throw invalidParam(
      "checkout_session",
      `This Checkout Session is ${session.status} and can no longer be paid.`,
      "checkout_session_not_open",
    );
  }
  const email =
    input.email || session.customer_email || (session.customer ? store.find(session.customer)?.email : undefined) || "customer@example.com";
  /** @type {Record<string, any>} */
  const patch = {};
  if (session.mode === "payment") {
    const pi = createPaymentIntent(store, {
      amount: session.amount_total,
      currency: session.currency,
      customer: session.customer,
      description: session.payment_intent_data?.description ?? null,
      metadata: session.payment_intent_data?.metadata ?? {},
      receipt_email: email,
    });
    let paid = confirmPaymentIntent(store, pi, { paymentMethod: input.paymentMethod, base: ctx.base });
    // the hosted page does 3-D Secure itself: the stand-in's test shopper always passes it
    if (paid.status === "requires_action") paid = authenticatePaymentIntent(store, paid.id, "succeed");
    patch.payment_intent = paid.id;
  } else if (session.mode === "subscription") {
    const create = ctx.hooks.createSubscriptionFromCheckout;
    if (!create)
      throw new StripeError({ status: 400, type: "invalid_request_error", message: "Subscription mode needs the billing resources." });
    let customerId = session.customer;
    if (!customerId) {
      const customer = store.create("cus", customerDefaults({ email }));
      store.emit("customer.created", customer);
      customerId = customer.id;
    }
    const { paymentMethod } = resolvePaymentMethod(store, input.paymentMethod);
    store.update("payment_method", paymentMethod.id, { customer: customerId });
    const customer = store.get("customer", customerId);
    store.update(
      "customer",
      customerId,
      { invoice_settings: { ...customer.invoice_settings, default_payment_method: paymentMethod.id } },
      { emit: "customer.updated" },
    );
    const subscription = await create(ctx, { ...session, customer: customerId });
    patch.customer = customerId;
    patch.subscription = subscription.id;
    const invoice = subscription.latest_invoice;
    patch.invoice = typeof invoice === "string" ? invoice : (invoice?.id ?? null);
  }
  const completed = store.update("checkout.session", session.id, {
    ...patch,
    status: "complete",
    payment_status: session.amount_total === 0 ? "no_payment_required" : "paid",
    customer_details: { address: null, email, name: null, phone: null, tax_exempt: "none", tax_ids: [] },
  });
  store.emit("checkout.session.completed", withoutItems(completed));
  return completed;
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/checkout/sessions",
    handler: ({ store, body, base, now }) => {
      const mode = /** @type {"payment" | "subscription" | "setup"} */ (
        oneOf(body, "mode", ["payment", "subscription", "setup"], { required: true })
      );
      if (mode === "setup") throw invalidParam("mode", "The stand-in implements payment and subscription mode.");
      const customer = str(body, "customer");
      if (customer) store.get("customer", customer, "customer");
      const customerEmail = str(body, "customer_email", { max: 800 });
      if (customer && customerEmail)
        throw invalidParam("customer_email", "You may only specify one of these parameters: customer, customer_email.");
      const items = lineItemsOf(store, body, mode, now);
      const currencies = new Set(items.map((li) => li.currency));
      if (currencies.size > 1) throw invalidParam("line_items", "All line items must use the same currency.");
      if (mode === "subscription" && !items.some((li) => li.price.recurring)) {
        throw invalidParam("line_items", "You must provide at least one recurring price in `subscription` mode when using prices.");
      }
      const total = items.reduce((sum, li) => sum + li.amount_total, 0);
      const expiresAt = int(body, "expires_at") ?? now() + DAY;
      if (expiresAt < now() + 30 * 60 || expiresAt > now() + DAY) {
        throw invalidParam(
          "expires_at",
          "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
        );
      }
      const pid = obj(body, "payment_intent_data");
      const id = newId("cs_test", 58);
      const session = store.create("cs", {
        id,
        object: "checkout.session",
        after_expiration: null,
        allow_promotion_codes: null,
        amount_subtotal: total,
        amount_total: total,
        automatic_tax: { enabled: false, liability: null, status: null },
        billing_address_collection: null,
        cancel_url: str(body, "cancel_url", { max: 5000 }) ?? null,
        client_reference_id: str(body, "client_reference_id", { max: 200 }) ?? null,
        client_secret: null,
        consent: null,
        currency: items[0]?.currency ?? null,
        custom_fields: [],
        customer: customer ?? null,
        customer_creation: customer ? null : mode === "payment" ? "if_required" : "always",
        customer_details: customerEmail ? { email: customerEmail } : null,
        customer_email: customerEmail ?? null,
        expires_at: expiresAt,
        invoice: null,
        line_items: { object: "list", data: items, has_more: false, url: `/v1/checkout/sessions/${id}/line_items` },
        locale: null,
        metadata: mergeMetadata({}, body.metadata),
        mode,
        payment_intent: null,
        payment_intent_data: pid ? { description: pid.description ?? null, metadata: mergeMetadata({}, pid.metadata) } : null,
        payment_link: null,
        payment_method_types: ["card"],
        payment_status: "unpaid",
        phone_number_collection: { enabled: false },
        setup_intent: null,
        shipping_address_collection: null,
        status: "open",
        submit_type: null,
        subscription: null,
        subscription_data: mode === "subscription" ? subscriptionData(body) : null,
        success_url: str(body, "success_url", { max: 5000 }) ?? null,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        ui_mode: "hosted",
        url: `${base}/c/pay/${id}`,
      });
      return withoutItems(session);
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id",
    handler: ({ store, params, query, body }) => {
      const session = store.get("checkout.session", params.id ?? "");
      const expand = [...arr(query, "expand"), ...arr(body, "expand")];
      const shown = withoutItems(session);
      return expand.includes("line_items") ? { ...shown, line_items: session.line_items } : shown;
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id/line_items",
    handler: ({ store, params, query }) => {
      const session = store.get("checkout.session", params.id ?? "");
      const limit = int(query, "limit", { min: 1 }) ?? 10;
      const data = session.line_items.data;
      return { object: "list", data: data.slice(0, limit), has_more: data.length > limit, url: session.line_items.url };
    },
  },
  {
    method: "POST",
    path: "/v1/checkout/sessions/:id/expire",
    handler: ({ store, params }) => {
      const session = store.get("checkout.session", params.id ?? "");
      if (session.status !== "open") {
        throw invalidParam("session", `Only Checkout Sessions with a status in ["open"] can be expired (this one is ${session.status}).`);
      }
      return withoutItems(expire(store, session));
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions",
    handler: ({ store, query }) => {
      const filter = {
        payment_intent: str(query, "payment_intent"),
        customer: str(query, "customer"),
        status: str(query, "status"),
        subscription: str(query, "subscription"),
      };
      const list = store.list(
        "checkout.session",
        (s) => Object.entries(filter).every(([k, v]) => v === undefined || s[k] === v) && inRange(query.created, s.created),
        query,
        "/v1/checkout/sessions",
      );
      return { ...list, data: list.data.map(withoutItems) };
    },
  },
  {
    method: "GET",
    path: "/c/pay/:id",
    auth: false,
    handler: ({ store, params }) => {
      const session = store.get("checkout.session", params.id ?? "");
      return reply(200, page(session), { "Content-Type": "text/html; charset=utf-8" });
    },
  },
  {
    method: "POST",
    path: "/c/pay/:id/complete",
    auth: false,
    handler: async (ctx) => {
      const session = ctx.store.get("checkout.session", ctx.params.id ?? "");
      const wantsJson =
        String(ctx.headers.accept ?? "").includes("application/json") ||
        String(ctx.headers["content-type"] ?? "").includes("application/json");
      const paymentMethod =
        typeof ctx.body.payment_method === "string" && ctx.body.payment_method !== "" ? ctx.body.payment_method : "pm_card_visa";
      const email = typeof ctx.body.email === "string" && ctx.body.email.length <= 800 ? ctx.body.email : undefined;
      try {
        const completed = await completeSession(ctx, session, { paymentMethod, email });
        if (wantsJson) return withoutItems(completed);
        if (!completed.success_url) return reply(200, page(completed), { "Content-Type": "text/html; charset=utf-8" });
        return reply(303, "", {
          Location: completed.success_url.replaceAll("{CHECKOUT_SESSION_ID}", completed.id),
          "Content-Type": "text/plain",
        });
      } catch (error) {
        if (wantsJson || !(error instanceof StripeError)) throw error;
        return reply(error.status, page(ctx.store.get("checkout.session", session.id), error.message), {
          "Content-Type": "text/html; charset=utf-8",
        });
      }
    },
  },
];

/** Open sessions expire when the fake clock passes their expires_at. @param {{ store: Store }} deps */
export function setup({ store }) {
  store.onAdvance((now) => {
    for (const session of store.all("checkout.session", (s) => s.status === "open" && s.expires_at <= now)) expire(store, session);
  });
}
