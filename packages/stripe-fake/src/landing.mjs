// @ts-check
// GET / — a page for a person under `pnpm dev`: open Checkout Sessions (with their pay links), recent
// PaymentIntents, events and deliveries, and where the controls are.
import { reply } from "./router.mjs";

/** @param {unknown} value */
function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @param {string[]} head
 * @param {unknown[][]} rows
 */
function table(head, rows) {
  if (rows.length === 0) return "<p>none yet</p>";
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** @type {import("./router.mjs").Route[]} */
export const landingRoutes = [
  {
    method: "GET",
    path: "/",
    auth: false,
    handler: ({ store, webhooks }) => {
      const sessions = store.all("checkout.session").slice(0, 20);
      const intents = store.all("payment_intent").slice(0, 20);
      const events = store.all("event").slice(0, 30);
      const endpoints = store.all("webhook_endpoint");
      const log = webhooks.log().slice(-30).reverse();
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe stand-in</title>
<style>body{font-family:system-ui;margin:2rem;max-width:70rem}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd}code{font-size:.9em}</style></head>
<body><h1>Stripe stand-in (packages/stripe-fake)</h1>
<p>API: <code>/v1/…</code> with any <code>sk_test_…</code> key. Controls: <code>/_fake/…</code> (see packages/stripe-fake/README.md). Clock: ${esc(new Date(store.now() * 1000).toISOString())}.</p>
<h2>Checkout Sessions</h2>${table(
        ["id", "mode", "status", "total", ""],
        sessions.map((s) => [
          esc(s.id),
          esc(s.mode),
          esc(s.status),
          esc(`${s.amount_total} ${s.currency}`),
          s.status === "open" ? `<a href="/c/pay/${esc(s.id)}">pay</a>` : "",
        ]),
      )}
<h2>PaymentIntents</h2>${table(
        ["id", "status", "amount", "metadata", ""],
        intents.map((p) => [
          esc(p.id),
          esc(p.status),
          esc(`${p.amount} ${p.currency}`),
          esc(JSON.stringify(p.metadata)),
          p.status === "requires_action" ? `<a href="/_fake/payment_intents/${esc(p.id)}/authenticate">3-D Secure</a>` : "",
        ]),
      )}
<h2>Webhook endpoints</h2>${table(
        ["id", "url", "status", "events"],
        endpoints.map((e) => [esc(e.id), esc(e.url), esc(e.status), esc(e.enabled_events.join(", "))]),
      )}
<h2>Deliveries (latest)</h2>${table(
        ["event", "type", "url", "status", "attempts"],
        log.map((d) => [
          esc(d.event),
          esc(d.type),
          esc(d.url),
          esc(d.status),
          esc(d.attempts.map((a) => a.status ?? a.error ?? "pulled").join(" → ")),
        ]),
      )}
<h2>Events (latest)</h2>${table(
        ["id", "type", "object"],
        events.map((e) => [esc(e.id), esc(e.type), esc(e.data.object.id)]),
      )}
</body></html>`;
      return reply(200, html, { "Content-Type": "text/html; charset=utf-8" });
    },
  },
];
