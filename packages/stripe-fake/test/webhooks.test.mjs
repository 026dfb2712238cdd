// @ts-check
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeStripe } from "../src/control.mjs";
import { signPayload } from "../src/webhooks.mjs";
import { useFake } from "./helpers.mjs";

const t = useFake();

/** A receiver that fails the first `failures` requests of every event id, and records what it got. */
function receiver() {
  /** @type {{ at: number, id: string, type: string, signature: string, body: string, status: number }[]} */
  const got = [];
  /** @type {Map<string, number>} */
  const seen = new Map();
  let failures = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const event = JSON.parse(body);
      const n = (seen.get(event.id) ?? 0) + 1;
      seen.set(event.id, n);
      const status = n <= failures ? 500 : 200;
      got.push({ at: Date.now(), id: event.id, type: event.type, signature: String(req.headers["stripe-signature"]), body, status });
      res.writeHead(status).end();
    });
  });
  return {
    got,
    server,
    /** @param {number} n */
    failFirst(n) {
      failures = n;
    },
    get url() {
      const address = server.address();
      return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
    },
  };
}

const hook = receiver();
beforeAll(() => new Promise((resolve) => hook.server.listen(0, "127.0.0.1", () => resolve(undefined))));
afterAll(() => new Promise((resolve) => hook.server.close(() => resolve(undefined))));

/** @param {() => boolean} condition */
async function until(condition, ms = 3000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("signatures", () => {
  it("signs t.payload with HMAC-SHA256 of the whole whsec_ secret, as the SDK checks", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event" });
    const header = signPayload(payload, "whsec_abc", 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    const expected = t.stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_abc", timestamp: 1_700_000_000 });
    expect(header).toBe(expected);
  });
});

describe("HTTP delivery", () => {
  it("delivers signed events to an endpoint, retrying failures with exponential backoff", async () => {
    const endpoint = await t.stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["customer.created"] });
    hook.failFirst(2);
    const customer = await t.stripe.customers.create({ email: "retry@example.com" });
    await until(() => hook.got.filter((g) => g.status === 200 && g.body.includes(customer.id)).length === 1);
    const attempts = hook.got.filter((g) => g.body.includes(customer.id));
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    // backoff: base 5 ms, then 10 ms (doubling)
    const [a0, a1, a2] = attempts.map((a) => a.at);
    expect(/** @type {number} */ (a1) - /** @type {number} */ (a0)).toBeGreaterThanOrEqual(4);
    expect(/** @type {number} */ (a2) - /** @type {number} */ (a1)).toBeGreaterThanOrEqual(9);
    for (const a of attempts) {
      const event = t.stripe.webhooks.constructEvent(a.body, a.signature, /** @type {string} */ (endpoint.secret));
      expect(event).toMatchObject({ type: "customer.created", data: { object: { id: customer.id } } });
    }
    const log = await fakeStripe(t.fake.url).log({ related: customer.id, endpoint: endpoint.id });
    expect(log).toMatchObject([{ status: "succeeded", attempt: 3, attempts: [{ status: 500 }, { status: 500 }, { status: 200 }] }]);
    // only customer.created is enabled for this endpoint
    await t.stripe.customers.update(customer.id, { name: "x" });
    await new Promise((r) => setTimeout(r, 50));
    expect(hook.got.filter((g) => g.type === "customer.updated")).toHaveLength(0);
    await t.stripe.webhookEndpoints.del(endpoint.id);
    hook.failFirst(0);
  });

  it("gives up after maxAttempts", async () => {
    const { startStripeFake } = await import("../src/server.mjs");
    const fake = await startStripeFake({
      retry: { baseMs: 1, maxAttempts: 3 },
      endpoints: [{ url: "http://127.0.0.1:9/nothing-listens", secret: "whsec_x" }],
    });
    try {
      const stripe = (await import("./helpers.mjs")).sdk(fake.port);
      const customer = await stripe.customers.create({});
      const control = fakeStripe(fake.url);
      await until(() => fake.webhooks.deliveries.some((d) => d.status === "failed"));
      const [entry] = await control.log({ related: customer.id });
      expect(entry).toMatchObject({ status: "failed", attempt: 3 });
      expect(entry?.attempts.every((a) => a.status === null && typeof a.error === "string")).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it("holds, then flushes in reverse order, twice each with duplicate", async () => {
    const endpoint = await t.stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["payment_intent.created"] });
    const control = fakeStripe(t.fake.url);
    expect(await control.behaviour({ hold: true, order: "reverse", duplicate: true }, endpoint.id)).toMatchObject({
      hold: true,
      order: "reverse",
      duplicate: true,
    });
    const a = await t.stripe.paymentIntents.create({ amount: 100, currency: "usd" });
    const b = await t.stripe.paymentIntents.create({ amount: 100, currency: "usd" });
    await new Promise((r) => setTimeout(r, 30));
    const mine = () => hook.got.filter((g) => g.body.includes(a.id) || g.body.includes(b.id));
    expect(mine()).toHaveLength(0);
    await control.behaviour({ hold: false }, endpoint.id);
    expect(await control.flush(endpoint.id)).toMatchObject({ flushed: 4 });
    await until(() => mine().length === 4);
    const order = mine().map((g) => (g.body.includes(a.id) ? "a" : "b"));
    expect(order).toEqual(["b", "b", "a", "a"]);
    expect(new Set(mine().map((g) => g.id)).size).toBe(2);
    await t.stripe.webhookEndpoints.del(endpoint.id);
  });
});

describe("pull endpoints", () => {
  it("pulls related deliveries, in reverse, duplicated, peeked", async () => {
    const control = fakeStripe(t.fake.url);
    const customer = await t.stripe.customers.create({ metadata: { order_id: "ord_pull" } });
    await t.stripe.customers.update(customer.id, { name: "P" });
    const peeked = await control.deliveries({ related: "ord_pull", peek: true });
    expect(peeked.map((d) => d.type)).toEqual(["customer.created", "customer.updated"]);
    const reversed = await control.deliveries({ related: customer.id, order: "reverse", duplicate: true });
    expect(reversed.map((d) => d.type)).toEqual(["customer.updated", "customer.updated", "customer.created", "customer.created"]);
    expect(await control.deliveries({ related: customer.id })).toEqual([]);
  });

  it("holds pull deliveries until flushed", async () => {
    const control = fakeStripe(t.fake.url);
    await control.behaviour({ hold: true });
    const customer = await t.stripe.customers.create({});
    expect(await control.deliveries({ related: customer.id })).toEqual([]);
    await control.behaviour({ hold: false });
    await control.flush();
    expect((await control.deliveries({ related: customer.id, take: 1 })).map((d) => d.type)).toEqual(["customer.created"]);
  });

  it("POSTs deliveries to a fetch function with their signatures (deliverTo)", async () => {
    const control = fakeStripe(t.fake.url);
    const customer = await t.stripe.customers.create({});
    const deliveries = await control.deliveries({ related: customer.id });
    /** @type {Request[]} */
    const seen = [];
    const responses = await control.deliverTo(
      async (r) => {
        seen.push(r);
        return new Response("ok");
      },
      "https://shop.test/hook",
      deliveries,
    );
    expect(responses.map((r) => r.status)).toEqual([200]);
    const request = /** @type {Request} */ (seen[0]);
    const event = t.stripe.webhooks.constructEvent(
      await request.text(),
      String(request.headers.get("stripe-signature")),
      "whsec_test_fake",
    );
    expect(event.type).toBe("customer.created");
  });

  it("refuses bad control input", async () => {
    const bad = await fetch(`${t.fake.url}/_fake/webhook_endpoints/pull%3A%2F%2Ftests/behaviour`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order: "sideways" }),
    });
    expect(bad.status).toBe(400);
    const missing = await fetch(`${t.fake.url}/_fake/webhook_endpoints/we_nope/flush`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect((await fetch(`${t.fake.url}/_fake/deliveries?take=-1`)).status).toBe(400);
  });
});
