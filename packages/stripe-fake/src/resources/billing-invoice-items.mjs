// @ts-check
// Invoice items (`ii_`): https://docs.stripe.com/api/invoiceitems. A pending item (no `invoice`) goes on the
// customer's next invoice; one added to a draft becomes a line at once; items on a finalized invoice are frozen.
import { invalidParam } from "../errors.mjs";
import { bool, currency, int, obj, str } from "../params.mjs";
import { mergeMetadata } from "../store.mjs";
import { addItemToDraft, createInvoiceItem, draftOrThrow, originOf, withTotals } from "./billing-invoices.mjs";
import { priceOfItem } from "./billing-products.mjs";
import { boundedInt, lineDescription, MAX_QUANTITY } from "./billing-util.mjs";

/** @typedef {Record<string, any>} StripeObject */

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "POST",
    path: "/v1/invoiceitems",
    handler(ctx) {
      originOf.set(ctx.store, ctx.base);
      const body = ctx.body;
      const customer = ctx.store.get("customer", /** @type {string} */ (str(body, "customer", { required: true })), "customer");
      const quantity = boundedInt(body, "quantity", MAX_QUANTITY) ?? 1;
      const pricing = obj(body, "pricing");
      const hasPrice = body.price !== undefined || body.price_data !== undefined || pricing?.price !== undefined;
      const price = hasPrice ? priceOfItem(ctx, pricing?.price ? { price: pricing.price } : body, "") : null;
      let amount = int(body, "amount");
      const cur = price?.currency ?? currency(body, "currency", { required: amount !== undefined }) ?? "usd";
      if (price) amount = price.unit_amount * quantity;
      if (amount === undefined) throw invalidParam("amount", "Missing required param: amount.", "parameter_missing");
      const invoiceId = str(body, "invoice");
      if (invoiceId) draftOrThrow(ctx.store, invoiceId);
      const subscription = str(body, "subscription");
      if (subscription) ctx.store.get("subscription", subscription, "subscription");
      const period = obj(body, "period");
      const now = ctx.now();
      const item = createInvoiceItem(ctx.store, {
        customer: customer.id,
        amount,
        currency: cur,
        description: str(body, "description") ?? (price ? lineDescription(ctx.store, price, quantity) : null),
        period: period
          ? { start: int(period, "start", { required: true }), end: int(period, "end", { required: true }) }
          : { start: now, end: now },
        quantity,
        price,
        subscription: subscription ?? null,
        invoice: invoiceId ?? null,
        metadata: mergeMetadata({}, body.metadata),
      });
      if (invoiceId) addItemToDraft(ctx.store, invoiceId, item);
      return item;
    },
  },
  { method: "GET", path: "/v1/invoiceitems/:id", handler: (ctx) => ctx.store.get("invoiceitem", ctx.params.id ?? "") },
  {
    method: "POST",
    path: "/v1/invoiceitems/:id",
    handler(ctx) {
      const item = ctx.store.get("invoiceitem", ctx.params.id ?? "");
      if (item.invoice && ctx.store.get("invoice", item.invoice).status !== "draft") {
        throw invalidParam("id", "This invoice item is on a finalized invoice and can no longer be updated.", "invoice_not_editable");
      }
      /** @type {StripeObject} */
      const patch = {};
      const description = str(ctx.body, "description");
      if (description !== undefined) patch.description = description;
      const amount = int(ctx.body, "amount");
      if (amount !== undefined) patch.amount = patch.net_amount = amount;
      if (ctx.body.metadata !== undefined) patch.metadata = mergeMetadata(item.metadata ?? {}, ctx.body.metadata);
      const updated = ctx.store.update("invoiceitem", item.id, patch, { emit: "invoiceitem.updated" });
      if (item.invoice) {
        const invoice = ctx.store.get("invoice", item.invoice);
        const data = invoice.lines.data.map((/** @type {StripeObject} */ l) =>
          l.parent?.invoice_item_details?.invoice_item === item.id || l.parent?.subscription_item_details?.invoice_item === item.id
            ? { ...l, amount: updated.amount, subtotal: updated.amount, description: updated.description }
            : l,
        );
        ctx.store.update("invoice", invoice.id, withTotals({ ...invoice, lines: { ...invoice.lines, data } }));
      }
      return updated;
    },
  },
  {
    method: "DELETE",
    path: "/v1/invoiceitems/:id",
    handler(ctx) {
      const item = ctx.store.get("invoiceitem", ctx.params.id ?? "");
      if (item.invoice) {
        const invoice = draftOrThrow(ctx.store, item.invoice);
        const data = invoice.lines.data.filter(
          (/** @type {StripeObject} */ l) =>
            l.parent?.invoice_item_details?.invoice_item !== item.id && l.parent?.subscription_item_details?.invoice_item !== item.id,
        );
        ctx.store.update("invoice", invoice.id, withTotals({ ...invoice, lines: { ...invoice.lines, data } }));
      }
      ctx.store.delete("invoiceitem", item.id);
      ctx.store.emit("invoiceitem.deleted", item);
      return { id: item.id, object: "invoiceitem", deleted: true };
    },
  },
  {
    method: "GET",
    path: "/v1/invoiceitems",
    handler(ctx) {
      const customer = str(ctx.query, "customer");
      const invoice = str(ctx.query, "invoice");
      const pending = bool(ctx.query, "pending");
      return ctx.store.list(
        "invoiceitem",
        (ii) =>
          (!customer || ii.customer === customer) &&
          (!invoice || ii.invoice === invoice) &&
          (pending === undefined || (ii.invoice === null) === pending),
        ctx.query,
        "/v1/invoiceitems",
      );
    },
  },
];
