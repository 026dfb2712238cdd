import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

// A purchase under `pnpm dev`, through the front door, as a shop's client and its staff would make it:
// accounts (register, verify through the dev outbox), the shop:admin role (`pnpm admin:grant`), the catalog
// through the admin API, a cart, checkout, payment with a test card at the Stripe stand-in (which delivers
// the signed webhook to the shop by itself), a declined card, a refund, the receipt in the dev mail capture.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PASSWORD = "correct horse battery staple";

// startDev gives the dev server a state directory (for `pnpm admin:grant --persist-to`) and a Stripe
// stand-in port of its own, so a developer's `pnpm dev` on 12111 and this run never meet.
let dev: DevServer;
beforeAll(async () => {
  dev = await startDev();
});
afterAll(async () => {
  await dev?.stop();
});

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; token?: string; json?: unknown; key?: string; origin?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  if (init.key) headers["Idempotency-Key"] = init.key;
  const res = await fetch(`${init.origin ?? dev.url}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  const json = text && /json/.test(res.headers.get("Content-Type") ?? "");
  return { status: res.status, body: (json ? JSON.parse(text) : text) as T, headers: res.headers };
}

/** Polls `read` until `done` holds (the webhook and the mail queue are asynchronous), or fails with the last value. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

interface Person {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

/** Registers a user and proves the address with the token from accounts' dev outbox. */
async function registerVerified(name: string): Promise<Person> {
  const email = `shop-e2e-${name}-${Date.now()}@example.com`;
  const reg = await call<{ user: { id: string }; accessToken: string; refreshToken: string }>("/auth/v1/register", {
    json: { email, password: PASSWORD },
  });
  expect(reg.status).toBe(201);
  const outbox = await eventually(
    () => call<{ items: { kind: string; payload: { token: string } }[] }>(`/auth/v1/dev/outbox?to=${encodeURIComponent(email)}`),
    (r) => r.body.items.some((m) => m.kind === "email_verification"),
    `verification email to ${email}`,
  );
  const token = outbox.body.items.find((m) => m.kind === "email_verification")?.payload.token;
  expect((await call("/auth/v1/email/verify", { token: reg.body.accessToken, json: { token } })).status).toBe(200);
  return { id: reg.body.user.id, email, token: reg.body.accessToken, refreshToken: reg.body.refreshToken };
}

/** `pnpm admin:grant <email> <role>` against this dev server's state, then a fresh token carrying the role. */
async function grant(person: Person, role: string): Promise<Person> {
  await promisify(execFile)(process.execPath, ["scripts/admin-grant.mjs", person.email, role, "--persist-to", dev.state], {
    cwd: ROOT,
    env: { ...process.env, CI: "true" },
  });
  const refreshed = await call<{ accessToken: string; refreshToken: string }>("/auth/v1/refresh", {
    json: { refreshToken: person.refreshToken },
  });
  expect(refreshed.status).toBe(200);
  return { ...person, token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken };
}

type Order = {
  id: string;
  number: number;
  state: string;
  total: number;
  amountPaid: number;
  amountRefunded: number;
  payment: { paymentIntentId: string | null; error: string | null; refundable: number };
  refunds: { amount: number; state: string }[];
  timeline: { type: string; to: string | null; actor: string }[];
};

/**
 * Confirms a PaymentIntent with a test card at the stand-in, as the payment page would; a decline is
 * Stripe's 402 card_error carrying the intent. Returns the intent's status.
 */
async function confirmAtStripe(paymentIntent: string, card: string): Promise<string> {
  const res = await call<{ status?: string; error?: { type: string; payment_intent?: { status: string } } }>(
    `/_fake/payment_intents/${paymentIntent}/confirm`,
    { origin: dev.stripeApiBase, json: { payment_method: card } },
  );
  if (res.status === 402) {
    expect(res.body.error?.type).toBe("card_error");
    return res.body.error?.payment_intent?.status ?? "";
  }
  expect(res.status).toBe(200);
  return res.body.status ?? "";
}

describe("a purchase under pnpm dev, through the front door and the Stripe stand-in", () => {
  let admin: Person;
  let buyer: Person;
  let variantId: string;
  let productId: string;

  it("staff get shop:admin, customers do not; the admin builds the catalog through the API", async () => {
    const staff = await registerVerified("admin");
    buyer = await registerVerified("buyer");
    expect((await call("/shop/v1/admin/dashboard/orders-by-state", { token: staff.token })).status).toBe(403);
    admin = await grant(staff, "shop:admin");
    expect((await call("/shop/v1/admin/dashboard/orders-by-state", { token: admin.token })).status).toBe(200);
    expect((await call("/shop/v1/admin/dashboard/orders-by-state", { token: buyer.token })).status).toBe(403);

    const refused = await call("/shop/v1/products", {
      token: buyer.token,
      key: randomUUID(),
      json: { title: "Nope", currency: "USD", variants: [{ sku: "NOPE-1", title: "Nope", price: 1 }] },
    });
    expect(refused.status).toBe(403);

    const product = await call<{ id: string; variants: { id: string }[] }>("/shop/v1/products", {
      token: admin.token,
      key: randomUUID(),
      json: {
        title: "E2E enamel mug",
        currency: "USD",
        status: "active",
        variants: [{ sku: `E2E-MUG-${Date.now()}`, title: "Blue", price: 2500, stock: 5, attributes: { colour: "blue" } }],
      },
    });
    expect(product.status).toBe(201);
    productId = product.body.id;
    variantId = product.body.variants[0]?.id ?? "";
    const seen = await call<{ id: string; variants: { id: string; available: number }[] }>(`/shop/v1/products/${productId}`, {
      token: buyer.token,
    });
    expect(seen.status).toBe(200);
    expect(seen.body.variants.find((v) => v.id === variantId)?.available).toBe(5);
  });

  let paid: Order;
  it("cart → checkout → pm_card_visa at the stand-in → its signed webhook → paid", async () => {
    const added = await call<{ lines: { variantId: string; quantity: number; reserved: boolean }[] }>("/shop/v1/cart/items", {
      token: buyer.token,
      json: { variantId, quantity: 2 },
    });
    expect([200, 201]).toContain(added.status);
    expect(added.body.lines).toEqual([expect.objectContaining({ variantId, quantity: 2, reserved: true })]);

    const key = randomUUID();
    const checkout = await call<{ order: Order; clientSecret: string }>("/shop/v1/checkout", {
      token: buyer.token,
      key,
      json: { country: "US", shippingMethod: "standard" },
    });
    expect(checkout.status).toBe(201);
    expect(checkout.body.order.state).toBe("pending_payment");
    expect(checkout.body.clientSecret).toMatch(/^pi_.+_secret_/);
    const pi = checkout.body.order.payment.paymentIntentId ?? "";
    // a retry with the same key replays the answer, and makes no second order
    const replay = await call<{ order: Order }>("/shop/v1/checkout", {
      token: buyer.token,
      key,
      json: { country: "US", shippingMethod: "standard" },
    });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.order.id).toBe(checkout.body.order.id);

    expect(await confirmAtStripe(pi, "pm_card_visa")).toBe("succeeded");
    paid = (
      await eventually(
        () => call<Order>(`/shop/v1/orders/${checkout.body.order.id}`, { token: buyer.token }),
        (r) => r.body.state === "paid",
        "the order after payment",
      )
    ).body;
    expect(paid.amountPaid).toBe(paid.total);
    expect(paid.timeline.filter((e) => e.to === "paid")).toEqual([expect.objectContaining({ actor: "stripe" })]);
    const product = await call<{ variants: { id: string; available: number; stock: number }[] }>(`/shop/v1/products/${productId}`, {
      token: buyer.token,
    });
    expect(product.body.variants.find((v) => v.id === variantId)).toMatchObject({ available: 3 });
  });

  it("the receipt reaches the dev mail capture", async () => {
    const mail = await eventually(
      () => call<{ items: { subject: string; text: string; to: string }[] }>(`/mail/v1/dev/messages?to=${encodeURIComponent(buyer.email)}`),
      (r) => r.body.items.some((m) => m.subject.includes(`#${paid.number}`)),
      "the receipt email",
      90_000,
    );
    const receipt = mail.body.items.find((m) => m.subject.includes(`#${paid.number}`));
    expect(receipt?.subject).toMatch(/receipt/i);
    expect(receipt?.to).toBe(buyer.email);
  });

  it("a declined card leaves the order pending, with the reason", async () => {
    expect([200, 201]).toContain((await call("/shop/v1/cart/items", { token: buyer.token, json: { variantId, quantity: 1 } })).status);
    const checkout = await call<{ order: Order }>("/shop/v1/checkout", {
      token: buyer.token,
      key: randomUUID(),
      json: { country: "US", shippingMethod: "standard" },
    });
    expect(checkout.status).toBe(201);
    const pi = checkout.body.order.payment.paymentIntentId ?? "";
    expect(await confirmAtStripe(pi, "pm_card_chargeDeclined")).toBe("requires_payment_method");
    const pending = await eventually(
      () => call<Order>(`/shop/v1/orders/${checkout.body.order.id}`, { token: buyer.token }),
      (r) => r.body.payment.error !== null,
      "the declined order",
    );
    expect(pending.body.state).toBe("pending_payment");
    expect(pending.body.payment.error).toMatch(/declined/i);
    expect(pending.body.timeline.map((e) => e.type)).toContain("payment_failed");
  });

  it("an admin refunds part of the paid order; the customer sees it", async () => {
    expect(
      (await call(`/shop/v1/orders/${paid.id}/refunds`, { token: buyer.token, key: randomUUID(), json: { amount: 100, reason: "me" } }))
        .status,
    ).toBe(403);
    const refund = await call(`/shop/v1/orders/${paid.id}/refunds`, {
      token: admin.token,
      key: randomUUID(),
      json: { amount: 1000, reason: "A scratched mug" },
    });
    expect([200, 201]).toContain(refund.status);
    const after = await eventually(
      () => call<Order>(`/shop/v1/orders/${paid.id}`, { token: buyer.token }),
      (r) => r.body.state === "partially_refunded" && r.body.amountRefunded === 1000,
      "the refunded order",
    );
    expect(after.body.refunds).toEqual([expect.objectContaining({ amount: 1000, state: "succeeded" })]);
    expect(after.body.payment.refundable).toBe(paid.total - 1000);
  });

  it("the dashboard shows the sale, net of the refund, and draws it", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const sales = await call<{ series: { currency: string; totals: { orders: number; gross: number; refunded: number; net: number } }[] }>(
      `/shop/v1/admin/dashboard/sales?from=${day}&to=${next}&currency=USD`,
      { token: admin.token },
    );
    expect(sales.status).toBe(200);
    expect(sales.body.series[0]?.totals).toEqual({ orders: 1, gross: paid.total, refunded: 1000, net: paid.total - 1000 });
    const chart = await fetch(`${dev.url}/shop/v1/admin/dashboard/sales.svg?from=${day}&to=${next}&currency=USD`, {
      headers: { Authorization: `Bearer ${admin.token}` },
    });
    expect(chart.status).toBe(200);
    expect(chart.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(await chart.text()).toContain("1 paid orders");
    const top = await call<{ items: { productId: string; quantity: number }[] }>(
      `/shop/v1/admin/dashboard/top-products?from=${day}&to=${next}`,
      { token: admin.token },
    );
    expect(top.body.items).toEqual([expect.objectContaining({ productId, quantity: 2 })]);
  });
});
