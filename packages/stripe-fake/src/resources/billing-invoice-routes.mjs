// @ts-check
// Invoice routes (https://docs.stripe.com/api/invoices): create a draft by hand, edit it, finalize, pay (a card
// error is a 402 with the PaymentIntent), void, mark uncollectible, send, list and page through lines.
import { invalidParam, StripeError } from "../errors.mjs";
import { bool, currency, int, oneOf, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";
import {
  attemptInvoicePayment,
  createDraftInvoice,
  draftOrThrow,
  finalizeInvoice,
  markInvoicePaid,
  originOf,
} from "./billing-invoices.mjs";

/** @typedef {Record<string, any>} StripeObject */

/** @param {import("../router.mjs").Ctx} ctx */
function remember(ctx) {
  originOf.set(ctx.store, ctx.base);
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/invoices",
    handler(ctx) {
      remember(ctx);
      const body = ctx.body;
      const customer = ctx.store.get("customer", /** @type {string} */ (str(body, "customer", { required: true })), "customer");
      const behaviour = oneOf(body, "pending_invoice_items_behavior", /** @type {const} */ (["exclude", "include"])) ?? "exclude";
      const collection =
        oneOf(body, "collection_method", /** @type {const} */ (["charge_automatically", "send_invoice"])) ?? "charge_automatically";
      const cur = currency(body, "currency", { required: false }) ?? customer.currency ?? "usd";
      const invoice = createDraftInvoice(ctx.store, {
        customer: customer.id,
        currency: cur,
        billingReason: "manual",
        includePending: behaviour === "include",
        description: str(body, "description") ?? null,
        metadata: mergeMetadata({}, body.metadata),
        collectionMethod: collection,
        daysUntilDue: int(body, "days_until_due", { min: 0 }) ?? null,
        autoAdvance: bool(body, "auto_advance") ?? false,
        defaultPaymentMethod: str(body, "default_payment_method") ?? null,
      });
      return invoice;
    },
  },
  { method: "GET", path: "/v1/invoices/:id", handler: (ctx) => ctx.store.get("invoice", ctx.params.id ?? "") },
  {
    method: "POST",
    path: "/v1/invoices/:id",
    handler(ctx) {
      const invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      /** @type {StripeObject} */
      const patch = {};
      if (ctx.body.metadata !== undefined) patch.metadata = mergeMetadata(invoice.metadata ?? {}, ctx.body.metadata);
      const editable = ["description", "footer", "default_payment_method", "auto_advance", "collection_method"].filter(
        (k) => ctx.body[k] !== undefined,
      );
      if (editable.length > 0 && invoice.status !== "draft" && editable.some((k) => k !== "description" && k !== "footer"))
        draftOrThrow(ctx.store, invoice.id);
      for (const key of ["description", "footer", "default_payment_method"]) {
        if (ctx.body[key] !== undefined) patch[key] = str(ctx.body, key) ?? null;
      }
      const auto = bool(ctx.body, "auto_advance");
      if (auto !== undefined) patch.auto_advance = auto;
      return ctx.store.update("invoice", invoice.id, patch, { emit: "invoice.updated" });
    },
  },
  {
    method: "DELETE",
    path: "/v1/invoices/:id",
    handler(ctx) {
      const invoice = draftOrThrow(ctx.store, ctx.params.id ?? "");
      if (invoice.parent?.subscription_details) throw invalidParam("id", "You can't delete invoices created by subscriptions.");
      for (const item of ctx.store.all("invoiceitem", { invoice: invoice.id })) ctx.store.update("invoiceitem", item.id, { invoice: null });
      ctx.store.delete("invoice", invoice.id);
      ctx.store.emit("invoice.deleted", invoice);
      return { id: invoice.id, object: "invoice", deleted: true };
    },
  },
  {
    method: "GET",
    path: "/v1/invoices",
    handler(ctx) {
      const q = ctx.query;
      const customer = str(q, "customer");
      const subscription = str(q, "subscription");
      const status = oneOf(q, "status", /** @type {const} */ (["draft", "open", "paid", "uncollectible", "void"]));
      const collection = oneOf(q, "collection_method", /** @type {const} */ (["charge_automatically", "send_invoice"]));
      return ctx.store.list(
        "invoice",
        (i) =>
          (!customer || i.customer === customer) &&
          (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
          (!status || i.status === status) &&
          (!collection || i.collection_method === collection),
        q,
        "/v1/invoices",
      );
    },
  },
  {
    method: "GET",
    path: "/v1/invoices/:id/lines",
    handler(ctx) {
      const invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      const limit = int(ctx.query, "limit", { min: 1 }) ?? 10;
      const lines = invoice.lines.data;
      const after = str(ctx.query, "starting_after");
      const from = after ? lines.findIndex((/** @type {StripeObject} */ l) => l.id === after) + 1 : 0;
      const data = lines.slice(from, from + Math.min(limit, 100));
      return { object: "list", data, has_more: from + data.length < lines.length, url: `/v1/invoices/${invoice.id}/lines` };
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/finalize",
    handler(ctx) {
      remember(ctx);
      const invoice = finalizeInvoice(ctx.store, ctx.params.id ?? "");
      const auto = bool(ctx.body, "auto_advance") ?? invoice.auto_advance;
      if (auto && invoice.status === "open" && invoice.collection_method === "charge_automatically") {
        return attemptInvoicePayment(ctx.store, invoice.id).invoice;
      }
      return invoice;
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/pay",
    handler(ctx) {
      remember(ctx);
      let invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      if (invoice.status === "paid") throw invalidParam("invoice", "Invoice is already paid", "invoice_already_paid");
      if (invoice.status === "void")
        throw invalidParam("invoice", "This invoice has been voided and can no longer be paid.", "invoice_not_open");
      if (invoice.status === "draft") invoice = finalizeInvoice(ctx.store, invoice.id);
      if (invoice.status === "paid") return invoice;
      if (invoice.status === "uncollectible") invoice = ctx.store.update("invoice", invoice.id, { status: "open" });
      if (bool(ctx.body, "paid_out_of_band")) return markInvoicePaid(ctx.store, invoice.id, null);
      const result = attemptInvoicePayment(ctx.store, invoice.id, {
        paymentMethod: str(ctx.body, "payment_method") ?? null,
        offSession: bool(ctx.body, "off_session") ?? true,
      });
      if (result.failure) {
        const f = result.failure;
        throw new StripeError({
          status: f.type === "card_error" ? 402 : 400,
          type: f.type === "card_error" ? "card_error" : "invalid_request_error",
          code: f.code,
          decline_code: f.decline_code,
          message: f.message ?? "Your card was declined.",
          extra: result.paymentIntent ? { payment_intent: result.paymentIntent } : undefined,
        });
      }
      return result.invoice;
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/send",
    handler(ctx) {
      const invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      if (invoice.collection_method !== "send_invoice") {
        throw invalidParam("invoice", "You can only manually send an invoice if its collection method is 'send_invoice'.");
      }
      if (invoice.status !== "open")
        throw invalidParam("invoice", `You can only send open invoices; this one is ${invoice.status}.`, "invoice_not_open");
      ctx.store.emit("invoice.sent", invoice);
      return invoice;
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/void",
    handler(ctx) {
      const invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      if (invoice.status !== "open" && invoice.status !== "uncollectible") {
        throw invalidParam(
          "invoice",
          `You can only void open or uncollectible invoices; this one is ${invoice.status}.`,
          "invoice_not_open",
        );
      }
      const now = ctx.now();
      const voided = ctx.store.update("invoice", invoice.id, {
        status: "void",
        amount_remaining: 0,
        confirmation_secret: null,
        next_payment_attempt: null,
        payments: {
          ...invoice.payments,
          data: invoice.payments.data.map((/** @type {StripeObject} */ p) =>
            p.status === "open" ? { ...p, status: "canceled", status_transitions: { ...p.status_transitions, canceled_at: now } } : p,
          ),
        },
        status_transitions: { ...invoice.status_transitions, voided_at: now },
      });
      ctx.store.emit("invoice.voided", voided);
      return voided;
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/mark_uncollectible",
    handler(ctx) {
      const invoice = ctx.store.get("invoice", ctx.params.id ?? "");
      if (invoice.status !== "open")
        throw invalidParam("invoice", `You can only mark open invoices uncollectible; this one is ${invoice.status}.`, "invoice_not_open");
      const marked = ctx.store.update("invoice", invoice.id, {
        status: "uncollectible",
        next_payment_attempt: null,
        status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: ctx.now() },
      });
      ctx.store.emit("invoice.marked_uncollectible", marked);
      return marked;
    },
  },
];
