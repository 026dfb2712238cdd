// @ts-check
// The customer portal session and page, Checkout in subscription mode, invoices made by hand, and webhook
// events of billing delivered to a local HTTP receiver with Stripe's signature.
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { control, PULL_SECRET, useFake } from "./helpers.mjs";

const t = useFake();

/** @param {string} related */
async function eventTypes(related) {
  const { body } = await control(t.fake.url, `/_fake/deliveries?related=${related}&peek=1`);
  return body.data.map((/** @type {any} */ d) => t.stripe.webhooks.constructEvent(d.payload, d.signature, PULL_SECRET).type);
}

async function plan() {
  const product = await t.stripe.products.create({ name: "Team" });
  return t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 4900, recurring: { interval: "month" } });
}

describe("billing portal", () => {
  it("creates a session whose url opens a page that cancels at period end and links back", async () => {
    const price = await plan();
    const c = await t.stripe.customers.create({ email: "portal@example.com" });
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    const session = await t.stripe.billingPortal.sessions.create({ customer: c.id, return_url: "https://app.example/account" });
    expect(session.id).toMatch(/^bps_/);
    expect(session).toMatchObject({
      object: "billing_portal.session",
      customer: c.id,
      return_url: "https://app.example/account",
      livemode: false,
      flow: null,
    });
    expect(session.configuration).toMatch(/^bpc_/);
    expect(session.url).toBe(`${t.fake.url}/p/session/${session.id}`);
    const page = await fetch(session.url);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("portal@example.com");
    expect(html).toContain("Team — $49.00 / month");
    expect(html).toContain('href="https://app.example/account"');
    const cancel = await fetch(`${session.url}/subscriptions/${sub.id}/cancel`, { method: "POST", redirect: "manual" });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get("location")).toBe(`/p/session/${session.id}`);
    const after = await t.stripe.subscriptions.retrieve(sub.id);
    expect(after).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_at: sub.items.data[0]?.current_period_end });
    expect(await eventTypes(c.id)).toContain("customer.subscription.updated");
    expect(await (await fetch(session.url)).text()).toContain("Cancels on");
  });

  it("updating the payment method on the page makes it the default and pays the past-due invoice at once", async () => {
    const price = await plan();
    const c = await t.stripe.customers.create({ email: "dunning@example.com" });
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
    await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_chargeDeclined" } });
    const { body } = await control(t.fake.url, "/_fake/clock");
    await control(t.fake.url, "/_fake/clock/advance", {
      seconds: /** @type {number} */ (sub.items.data[0]?.current_period_end) - body.now + 60,
    });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    const session = await t.stripe.billingPortal.sessions.create({ customer: c.id });
    const declined = await fetch(`${session.url}/payment_method`, {
      method: "POST",
      body: new URLSearchParams({ payment_method: "pm_card_chargeDeclined" }),
    });
    expect(declined.status).toBe(402);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    const fixed = await fetch(`${session.url}/payment_method`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ payment_method: "pm_card_mastercard" }),
    });
    expect(fixed.status).toBe(303);
    const after = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.status).toBe("active");
    expect(/** @type {import("stripe").Stripe.Invoice} */ (after.latest_invoice).status).toBe("paid");
    const customer = /** @type {import("stripe").Stripe.Customer} */ (
      await t.stripe.customers.retrieve(c.id, { expand: ["invoice_settings.default_payment_method"] })
    );
    expect(customer.invoice_settings.default_payment_method).toMatchObject({ card: { brand: "mastercard" }, customer: c.id });
    expect(await (await fetch(session.url)).text()).toContain("mastercard •••• ");
  });

  it("refuses a missing customer and an unknown one; an unknown session page is 404; another customer's subscription is 404", async () => {
    await expect(t.stripe.billingPortal.sessions.create({})).rejects.toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "customer",
    });
    await expect(t.stripe.billingPortal.sessions.create({ customer: "cus_nope" })).rejects.toMatchObject({
      statusCode: 404,
      param: "customer",
    });
    expect((await fetch(`${t.fake.url}/p/session/bps_nope`)).status).toBe(404);
    const price = await plan();
    const owner = await t.stripe.customers.create({});
    await t.stripe.customers.update(owner.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await t.stripe.subscriptions.create({ customer: owner.id, items: [{ price: price.id }] });
    const other = await t.stripe.customers.create({});
    const session = await t.stripe.billingPortal.sessions.create({ customer: other.id });
    const response = await fetch(`${session.url}/subscriptions/${sub.id}/cancel`, { method: "POST", redirect: "manual" });
    expect(response.status).toBe(404);
    expect((await t.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(false);
  });
});

describe("checkout in subscription mode", () => {
  it("completing the session creates the customer, an active subscription and a paid first invoice", async () => {
    const price = await plan();
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 3 }],
      customer_email: "subscriber@example.com",
      success_url: "https://app.example/welcome?cs={CHECKOUT_SESSION_ID}",
    });
    const response = await fetch(`${cs.url}/complete`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ payment_method: "pm_card_visa" }),
    });
    expect(response.status).toBe(303);
    const done = await t.stripe.checkout.sessions.retrieve(cs.id, { expand: ["subscription"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const sub = /** @type {import("stripe").Stripe.Subscription} */ (done.subscription);
    expect(sub).toMatchObject({ object: "subscription", status: "active", customer: done.customer });
    expect(sub.items.data[0]).toMatchObject({ quantity: 3, price: { id: price.id } });
    expect(sub.default_payment_method).toMatch(/^pm_/);
    const invoice = await t.stripe.invoices.retrieve(/** @type {string} */ (sub.latest_invoice));
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 14700,
      billing_reason: "subscription_create",
      customer_email: "subscriber@example.com",
    });
    expect(done.invoice).toBe(invoice.id);
    const types = await eventTypes(/** @type {string} */ (done.customer));
    expect(types).toEqual(
      expect.arrayContaining(["customer.created", "customer.subscription.created", "invoice.paid", "checkout.session.completed"]),
    );
  });

  it("subscription_data: a trial and metadata reach the subscription", async () => {
    const price = await plan();
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { trial_period_days: 7, metadata: { team: "t_42" } },
      success_url: "https://app.example/ok",
    });
    const done = await t.stripe.checkout.sessions.retrieve(
      (
        await (
          await fetch(`${cs.url}/complete`, { method: "POST", headers: { accept: "application/json" }, body: new URLSearchParams({}) })
        ).json()
      ).id,
      { expand: ["subscription"] },
    );
    const sub = /** @type {import("stripe").Stripe.Subscription} */ (done.subscription);
    expect(sub).toMatchObject({ status: "trialing", metadata: { team: "t_42" } });
    expect(/** @type {number} */ (sub.trial_end) - /** @type {number} */ (sub.trial_start)).toBe(7 * 86_400);
  });

  it("a declined card completes nothing: no live subscription, the page shows the error", async () => {
    const price = await plan();
    const c = await t.stripe.customers.create({ email: "declined@example.com" });
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: c.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/ok",
    });
    const response = await fetch(`${cs.url}/complete`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ payment_method: "pm_card_chargeDeclined" }),
    });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("Your card was declined.");
    expect((await t.stripe.checkout.sessions.retrieve(cs.id)).status).toBe("open");
    expect((await t.stripe.subscriptions.list({ customer: c.id })).data).toHaveLength(0);
  });
});

describe("invoices by hand", () => {
  it("draft with invoice items → finalize → pay; void and mark_uncollectible; editing a finalized invoice is refused", async () => {
    const c = await t.stripe.customers.create({ email: "clinic@example.com" });
    await t.stripe.invoiceItems.create({ customer: c.id, amount: 8000, currency: "usd", description: "Consultation" });
    const price = await t.stripe.prices.create({ product_data: { name: "X-ray" }, currency: "usd", unit_amount: 2500 });
    await t.stripe.invoiceItems.create({ customer: c.id, pricing: { price: price.id }, quantity: 2 });
    const draft = await t.stripe.invoices.create({ customer: c.id, pending_invoice_items_behavior: "include" });
    expect(draft).toMatchObject({ status: "draft", total: 13_000, number: null, hosted_invoice_url: null, billing_reason: "manual" });
    expect(draft.lines.data.map((l) => l.description)).toEqual(["Consultation", "2 × X-ray (at $25.00)"]);
    expect((await t.stripe.invoiceItems.list({ customer: c.id, pending: true })).data).toHaveLength(0);
    const open = await t.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
    expect(open).toMatchObject({ status: "open", amount_due: 13_000, amount_remaining: 13_000 });
    expect(open.number).toMatch(/-0001$/);
    await expect(t.stripe.invoiceItems.create({ customer: c.id, amount: 1, currency: "usd", invoice: open.id })).rejects.toMatchObject({
      statusCode: 400,
    });
    const paid = await t.stripe.invoices.pay(open.id, { payment_method: "pm_card_visa" });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 13_000, amount_remaining: 0 });
    expect(paid.status_transitions.paid_at).toBeGreaterThan(0);
    await expect(t.stripe.invoices.pay(open.id)).rejects.toMatchObject({ statusCode: 400, code: "invoice_already_paid" });
    await expect(t.stripe.invoices.voidInvoice(open.id)).rejects.toMatchObject({ statusCode: 400 });

    await t.stripe.invoiceItems.create({ customer: c.id, amount: 500, currency: "usd" });
    const second = await t.stripe.invoices.create({ customer: c.id, pending_invoice_items_behavior: "include", auto_advance: false });
    const opened = await t.stripe.invoices.finalizeInvoice(second.id);
    expect(opened.number).toMatch(/-0002$/);
    expect(await t.stripe.invoices.markUncollectible(opened.id)).toMatchObject({ status: "uncollectible" });
    const voided = await t.stripe.invoices.voidInvoice(opened.id);
    expect(voided).toMatchObject({ status: "void" });
    expect(await eventTypes(c.id)).toEqual(
      expect.arrayContaining([
        "invoiceitem.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.marked_uncollectible",
        "invoice.voided",
      ]),
    );
    const list = await t.stripe.invoices.list({ customer: c.id, status: "paid" });
    expect(list.data.map((i) => i.id)).toEqual([paid.id]);
  });

  it("the hosted invoice page pays with a test card", async () => {
    const c = await t.stripe.customers.create({});
    await t.stripe.invoiceItems.create({ customer: c.id, amount: 1234, currency: "eur", description: "Lesson" });
    const invoice = await t.stripe.invoices.finalizeInvoice(
      (await t.stripe.invoices.create({ customer: c.id, pending_invoice_items_behavior: "include", currency: "eur" })).id,
      { auto_advance: false },
    );
    const url = /** @type {string} */ (invoice.hosted_invoice_url);
    expect(await (await fetch(url)).text()).toContain("€12.34");
    const declined = await fetch(`${url}/pay`, { method: "POST", body: new URLSearchParams({ payment_method: "pm_card_chargeDeclined" }) });
    expect(declined.status).toBe(402);
    expect((await t.stripe.invoices.retrieve(invoice.id)).status).toBe("open");
    const ok = await fetch(`${url}/pay`, { method: "POST", body: new URLSearchParams({ payment_method: "pm_card_visa" }) });
    expect(ok.status).toBe(200);
    expect(await t.stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid", attempt_count: 2 });
  });
});

describe("billing webhooks over HTTP", () => {
  it("delivers subscription and invoice events to a registered endpoint, signed so constructEvent accepts them", async () => {
    /** @type {{ type: string, object: string }[]} */
    const received = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        const event = t.stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"]), endpointSecret);
        received.push({ type: event.type, object: /** @type {any} */ (event.data.object).id });
        res.writeHead(200).end();
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const endpoint = await t.stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${port}/hook`,
      enabled_events: ["customer.subscription.created", "invoice.paid"],
    });
    const endpointSecret = /** @type {string} */ (endpoint.secret);
    try {
      const price = await plan();
      const c = await t.stripe.customers.create({});
      await t.stripe.customers.update(c.id, { invoice_settings: { default_payment_method: "pm_card_visa" } });
      const sub = await t.stripe.subscriptions.create({ customer: c.id, items: [{ price: price.id }] });
      for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      // one request's events: the invoice's first, then customer.subscription.created with the status it ended in
      expect(received).toEqual([
        { type: "invoice.paid", object: sub.latest_invoice },
        { type: "customer.subscription.created", object: sub.id },
      ]);
    } finally {
      await t.stripe.webhookEndpoints.del(endpoint.id);
      server.close();
    }
  });
});
