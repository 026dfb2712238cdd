// @ts-check
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { parseForm } from "../src/form.mjs";
import { IdempotencyKeys } from "../src/idempotency.mjs";
import { control, PULL_SECRET, sdk, useFake } from "./helpers.mjs";

const t = useFake();

describe("form bodies", () => {
  it("parses nested keys, indexed and bracket arrays", () => {
    expect(parseForm("metadata[order_id]=o1&items[1][price]=p2&items[0][price]=p1&expand[]=a&expand[]=b&amount=10")).toEqual({
      metadata: { order_id: "o1" },
      items: [{ price: "p1" }, { price: "p2" }],
      expand: ["a", "b"],
      amount: "10",
    });
  });
});

describe("form bodies: prototype keys", () => {
  it("drops __proto__ / constructor keys instead of touching Object.prototype", () => {
    const parsed = parseForm("metadata[__proto__][polluted]=1&__proto__[x]=1&constructor[prototype][y]=1&ok=1");
    expect(parsed).toEqual({ ok: "1" });
    expect(/** @type {any} */ ({}).polluted).toBeUndefined();
    expect(/** @type {any} */ ({}).x).toBeUndefined();
  });
});

describe("auth", () => {
  it("refuses a request without a key with Stripe's 401 body", async () => {
    const response = await fetch(`${t.fake.url}/v1/customers`);
    expect(response.status).toBe(401);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    const body = await response.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("You did not provide an API key");
  });

  it("refuses a live key through the SDK as StripeAuthenticationError", async () => {
    await expect(sdk(t.fake.port, "sk_live_abcdefgh1234").customers.list()).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
      message: expect.stringMatching(/^Invalid API Key provided: sk_live_\*+1234$/),
    });
  });

  it("accepts Basic auth with the key as the user name", async () => {
    const response = await fetch(`${t.fake.url}/v1/customers`, {
      headers: { authorization: `Basic ${Buffer.from("sk_test_x123:").toString("base64")}` },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).object).toBe("list");
  });

  it("answers an unknown URL with Stripe's 404", async () => {
    const response = await fetch(`${t.fake.url}/v1/nothing`, { headers: { authorization: "Bearer sk_test_x123" } });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("Unrecognized request URL (GET: /v1/nothing)");
  });
});

describe("customers", () => {
  it("creates, retrieves, updates (metadata merge) and deletes, emitting events", async () => {
    const customer = await t.stripe.customers.create({ email: "ada@example.com", name: "Ada", metadata: { a: "1", b: "2" } });
    expect(customer).toMatchObject({
      object: "customer",
      email: "ada@example.com",
      name: "Ada",
      livemode: false,
      metadata: { a: "1", b: "2" },
    });
    expect(customer.id).toMatch(/^cus_[0-9A-Za-z]{24}$/);
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
    const updated = await t.stripe.customers.update(customer.id, { metadata: { a: "", c: "3" } });
    expect(updated.metadata).toEqual({ b: "2", c: "3" });
    expect(await t.stripe.customers.retrieve(customer.id)).toMatchObject({ metadata: { b: "2", c: "3" } });
    const deleted = await t.stripe.customers.del(customer.id);
    expect(deleted).toMatchObject({ id: customer.id, object: "customer", deleted: true });
    expect(await t.stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    const events = await t.stripe.events.list({ type: "customer.*", limit: 100 });
    const mine = events.data.filter((e) => /** @type {any} */ (e.data.object).id === customer.id).map((e) => e.type);
    expect(mine).toEqual(["customer.deleted", "customer.updated", "customer.created"]);
    const update = events.data.find((e) => e.type === "customer.updated" && /** @type {any} */ (e.data.object).id === customer.id);
    expect(update?.data.previous_attributes).toEqual({ metadata: { a: "1", b: "2" } });
    expect(update?.request?.id).toBe(updated.lastResponse.requestId);
  });

  it("404s an unknown id as StripeInvalidRequestError resource_missing", async () => {
    await expect(t.stripe.customers.retrieve("cus_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      param: "id",
      message: "No such customer: 'cus_nope'",
    });
  });

  it("paginates newest first with starting_after / ending_before and filters by email", async () => {
    const email = `page-${Date.now()}@example.com`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await t.stripe.customers.create({ email }));
    const first = await t.stripe.customers.list({ email, limit: 2 });
    expect(first.data.map((c) => c.id)).toEqual([made[4]?.id, made[3]?.id]);
    expect(first.has_more).toBe(true);
    const second = await t.stripe.customers.list({ email, limit: 2, starting_after: made[3]?.id });
    expect(second.data.map((c) => c.id)).toEqual([made[2]?.id, made[1]?.id]);
    const last = await t.stripe.customers.list({ email, limit: 2, starting_after: made[1]?.id });
    expect(last.data.map((c) => c.id)).toEqual([made[0]?.id]);
    expect(last.has_more).toBe(false);
    const back = await t.stripe.customers.list({ email, limit: 2, ending_before: made[1]?.id });
    expect(back.data.map((c) => c.id)).toEqual([made[3]?.id, made[2]?.id]);
    const all = [];
    for await (const c of t.stripe.customers.list({ email, limit: 2 })) all.push(c.id);
    expect(all).toHaveLength(5);
  });

  it("refuses a bad limit and an invalid email", async () => {
    await expect(t.stripe.customers.list({ limit: 0 })).rejects.toMatchObject({ statusCode: 400, param: "limit" });
    await expect(t.stripe.customers.create({ email: "nope" })).rejects.toMatchObject({
      statusCode: 400,
      code: "email_invalid",
      param: "email",
    });
  });
});

describe("idempotency", () => {
  it("replays the stored response for the same key and params", async () => {
    const key = `k-${Date.now()}`;
    const a = await t.stripe.customers.create({ email: "idem@example.com", metadata: { x: "1" } }, { idempotencyKey: key });
    const b = await t.stripe.customers.create({ email: "idem@example.com", metadata: { x: "1" } }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(a.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    const list = await t.stripe.customers.list({ email: "idem@example.com" });
    expect(list.data).toHaveLength(1);
  });

  it("refuses the same key with other params or another endpoint (StripeIdempotencyError)", async () => {
    const key = `m-${Date.now()}`;
    await t.stripe.customers.create({ email: "m1@example.com" }, { idempotencyKey: key });
    await expect(t.stripe.customers.create({ email: "m2@example.com" }, { idempotencyKey: key })).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    });
    await expect(
      t.stripe.webhookEndpoints.create({ url: "https://example.com/h", enabled_events: ["*"] }, { idempotencyKey: key }),
    ).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
    });
    expect((await t.stripe.customers.list({ email: "m2@example.com" })).data).toHaveLength(0);
  });

  it("scopes keys per API key", async () => {
    const key = `s-${Date.now()}`;
    const a = await sdk(t.fake.port, "sk_test_first").customers.create({ email: "s@example.com" }, { idempotencyKey: key });
    const b = await sdk(t.fake.port, "sk_test_second").customers.create({ email: "s@example.com" }, { idempotencyKey: key });
    expect(b.id).not.toBe(a.id);
  });
});

describe("idempotency keys (unit)", () => {
  it("answers 409 idempotency_key_in_use while the first request with the key has no result yet, and keeps no result for an abandoned one", () => {
    const keys = new IdempotencyKeys(() => 1000);
    const request = { apiKey: "sk_test_a", key: "k", method: "POST", path: "/v1/customers", params: { email: "a@b.c" } };
    const first = keys.begin(request);
    expect("run" in first).toBe(true);
    expect(() => keys.begin(request)).toThrow(
      expect.objectContaining({ status: 409, type: "idempotency_error", code: "idempotency_key_in_use" }),
    );
    if ("abandon" in first) first.abandon();
    const again = keys.begin(request);
    if ("run" in again) again.run({ status: 200, body: "{}", headers: {} });
    expect(keys.begin(request)).toEqual({ replay: { status: 200, body: "{}", headers: {} } });
    // params compare by value, not by key order
    expect(keys.begin({ ...request, params: { email: "a@b.c" } })).toHaveProperty("replay");
  });

  it("forgets keys after 24 hours", () => {
    let now = 0;
    const keys = new IdempotencyKeys(() => now);
    const request = { apiKey: "sk_test_a", key: "k", method: "POST", path: "/v1/customers", params: {} };
    const first = keys.begin(request);
    if ("run" in first) first.run({ status: 200, body: "{}", headers: {} });
    now = 24 * 3600 * 1000 + 1;
    expect(keys.begin({ ...request, params: { other: "1" } })).toHaveProperty("run");
  });
});

describe("headers", () => {
  it("echoes Stripe-Version and the Idempotency-Key, and gives every request its own req_ id", async () => {
    const headers = { authorization: "Bearer sk_test_h123", "stripe-version": "2024-06-20", "idempotency-key": "hdr-1" };
    const a = await fetch(`${t.fake.url}/v1/customers`, { method: "POST", headers });
    const b = await fetch(`${t.fake.url}/v1/customers`, { method: "POST", headers });
    expect(a.headers.get("stripe-version")).toBe("2024-06-20");
    expect(a.headers.get("idempotency-key")).toBe("hdr-1");
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(a.headers.get("request-id")).not.toBe(b.headers.get("request-id"));
  });
});

describe("webhook endpoints and events", () => {
  it("creates an endpoint with a whsec_ secret shown once, lists, updates, deletes", async () => {
    const endpoint = await t.stripe.webhookEndpoints.create({ url: "https://example.com/hook", enabled_events: ["customer.created"] });
    expect(endpoint.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(endpoint).toMatchObject({ object: "webhook_endpoint", status: "enabled", enabled_events: ["customer.created"] });
    const again = await t.stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(again.secret).toBeUndefined();
    const disabled = await t.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    expect(disabled.status).toBe("disabled");
    expect((await t.stripe.webhookEndpoints.list({ limit: 100 })).data.map((e) => e.id)).toContain(endpoint.id);
    expect(await t.stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ id: endpoint.id, deleted: true });
  });

  it("pulls signed deliveries that the real SDK verifies", async () => {
    const customer = await t.stripe.customers.create({ email: "pull@example.com" }, { idempotencyKey: `p-${Date.now()}` });
    const { body } = await control(t.fake.url, `/_fake/deliveries?related=${customer.id}`);
    expect(body.data).toHaveLength(1);
    const [delivery] = body.data;
    const event = t.stripe.webhooks.constructEvent(delivery.payload, delivery.signature, PULL_SECRET);
    expect(event).toMatchObject({
      type: "customer.created",
      object: "event",
      livemode: false,
      pending_webhooks: 1,
      data: { object: { id: customer.id } },
    });
    expect(event.id).toMatch(/^evt_/);
    expect(event.request?.idempotency_key).toMatch(/^p-/);
    expect(() => t.stripe.webhooks.constructEvent(delivery.payload, delivery.signature, "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // taken: a second pull has nothing
    expect((await control(t.fake.url, `/_fake/deliveries?related=${customer.id}`)).body.data).toHaveLength(0);
    expect((await t.stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
  });
});

describe("clock", () => {
  it("advances the fake clock that `created` uses", async () => {
    const before = (await control(t.fake.url, "/_fake/clock")).body.now;
    const advanced = await control(t.fake.url, "/_fake/clock/advance", { seconds: 3600 });
    expect(advanced.body.now - before).toBeGreaterThanOrEqual(3600);
    const customer = await t.stripe.customers.create({});
    expect(customer.created).toBeGreaterThanOrEqual(before + 3600);
    expect((await control(t.fake.url, "/_fake/clock/advance", { seconds: -1 })).status).toBe(400);
  });
});
