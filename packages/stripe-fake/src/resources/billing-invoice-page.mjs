// @ts-check
// The hosted invoice page (`hosted_invoice_url` = `<base>/i/<in_id>`): lines, totals, status, and while the
// invoice is open a form that pays it with a test card (3-D Secure passes, like the core's checkout page).
import { reply } from "../router.mjs";
import { attemptInvoicePayment } from "./billing-invoices.mjs";
import { formatMoney } from "./billing-util.mjs";
import { authenticatePaymentIntent } from "./payment-intents.mjs";

/** @typedef {Record<string, any>} StripeObject */

/**
 * The hosted invoice page: lines, totals, status, and a pay form (test card) while it is open.
 * @param {StripeObject} invoice
 * @param {string | undefined} note
 */
function invoicePage(invoice, note) {
  const esc = (/** @type {unknown} */ s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const money = (/** @type {number} */ n) => esc(formatMoney(n, invoice.currency));
  const rows = invoice.lines.data
    .map((/** @type {StripeObject} */ l) => `<tr><td>${esc(l.description)}</td><td>${money(l.amount)}</td></tr>`)
    .join("");
  const pay =
    invoice.status === "open"
      ? `<form method="post" action="/i/${esc(invoice.id)}/pay"><select name="payment_method"><option>pm_card_visa</option><option>pm_card_chargeDeclined</option></select> <button>Pay ${money(invoice.amount_remaining)}</button></form>`
      : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(invoice.number ?? invoice.id)}</title></head><body><main>
<h1>Invoice ${esc(invoice.number ?? invoice.id)}</h1><p>Status: <strong data-status>${esc(invoice.status)}</strong></p>${note ? `<p role="status">${esc(note)}</p>` : ""}
<table><tbody>${rows}</tbody><tfoot><tr><th>Total</th><td>${money(invoice.total)}</td></tr><tr><th>Amount due</th><td>${money(invoice.amount_due)}</td></tr><tr><th>Paid</th><td>${money(invoice.amount_paid)}</td></tr></tfoot></table>${pay}</main></body></html>`;
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  {
    method: "GET",
    path: "/i/:id",
    auth: false,
    handler(ctx) {
      const invoice = ctx.store.find(ctx.params.id ?? "");
      if (invoice?.object !== "invoice" || invoice.status === "draft")
        return reply(404, "<!doctype html><title>Not found</title><p>No such invoice.</p>", { "Content-Type": "text/html; charset=utf-8" });
      return reply(200, invoicePage(invoice, undefined), { "Content-Type": "text/html; charset=utf-8" });
    },
  },
  {
    method: "POST",
    path: "/i/:id/pay",
    auth: false,
    handler(ctx) {
      const invoice = ctx.store.find(ctx.params.id ?? "");
      if (invoice?.object !== "invoice" || invoice.status === "draft")
        return reply(404, "<!doctype html><title>Not found</title><p>No such invoice.</p>", { "Content-Type": "text/html; charset=utf-8" });
      if (invoice.status !== "open")
        return reply(409, invoicePage(invoice, `This invoice is ${invoice.status}.`), { "Content-Type": "text/html; charset=utf-8" });
      const pm =
        typeof ctx.body.payment_method === "string" && ctx.body.payment_method.length < 100 ? ctx.body.payment_method : "pm_card_visa";
      let result = attemptInvoicePayment(ctx.store, invoice.id, { paymentMethod: pm, offSession: false });
      // the page does 3-D Secure itself, like the core's checkout page: the test shopper always passes it
      if (result.paymentIntent?.status === "requires_action") {
        authenticatePaymentIntent(ctx.store, result.paymentIntent.id, "succeed");
        result = { ...result, invoice: ctx.store.get("invoice", invoice.id), failure: null };
      }
      const note = result.failure ? `Payment failed: ${result.failure.message ?? "declined"}` : "Paid. Thank you!";
      return reply(result.failure ? 402 : 200, invoicePage(result.invoice, note), { "Content-Type": "text/html; charset=utf-8" });
    },
  },
];
