import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StripeFake, startStripeFake } from "../../../packages/stripe-fake/src/index.mjs";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

// The commerce services under `pnpm dev`, through the front door's `/commerce/v1/*` only (the six services behind
// the gateway have no public address): accounts and the commerce:admin role (granted by an ADMIN_EMAILS root admin), a product with
// stock, a cart, an order (Idempotency-Key) through the saga to `confirmed`, the gateway's aggregated summary, the
// order's timeline (every event with its service), its logs from every service, health, a declined card
// (cancelled, stock back), and a crash: the whole dev stack SIGKILLed while sagas run, started again on the same
// state, every order terminal exactly once, no charge kept for a cancelled order, no event twice on a timeline.
//
// The Stripe stand-in runs in this process (STRIPE_FAKE_URL) so it outlives the crash, as Stripe outlives ours.
// Local Queues hold in-flight messages in memory (workerd), so a crash loses them, which production Queues do
// not: the sagas they carried are finished by what a lost message leaves behind — the outbox sweepers and the
// orders' payment timeout (crons run by scripts/dev.mjs, every DEV_CRON_SECONDS here; PAYMENT_TIMEOUT_SECONDS short).

const PASSWORD = "correct horse battery staple";
const PAYMENT_TIMEOUT_SECONDS = 20;
const TERMINAL = ["confirmed", "cancelled"];
/** Seven services and the platform in one wrangler dev take minutes to start on a small, busy machine. */
const START_TIMEOUT_MS = 300_000;
/** The root admin of this run (accounts' ADMIN_EMAILS): grants commerce:admin through the accounts admin API. */
const ROOT_EMAIL = `commerce-e2e-root-${Date.now().toString(36)}@example.com`;

let dev: DevServer;
let stripe: StripeFake;
let state: string | undefined;
const devEnv = () => ({
  STRIPE_FAKE_URL: stripe.url,
  DEV_CRON_SECONDS: "3",
  DEV_VARS: JSON.stringify({
    accounts: { ADMIN_EMAILS: ROOT_EMAIL },
    "commerce-orders": { PAYMENT_TIMEOUT_SECONDS: String(PAYMENT_TIMEOUT_SECONDS) },
    // a dozen sagas polled in parallel by two buyers pass the default 600 requests/min per consumer
    "commerce-gateway": { COMMERCE_RATE_LIMIT_PER_MINUTE: "100000" },
  }),
});

/** startDev, again when another process took its free port between the pick and wrangler's bind (a busy machine). */
async function startDevRetrying(options: Parameters<typeof startDev>[0]): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDev(options);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes("Address already in use")) throw error;
      console.info(`startDev: the port was taken meanwhile (attempt ${attempt}); starting again`);
    }
  }
}

beforeAll(async () => {
  stripe = await startStripeFake({ port: 0, host: "127.0.0.1", retry: { baseMs: 500, factor: 2, maxAttempts: 6 } });
  dev = await startDevRetrying({ keepState: true, env: devEnv(), timeoutMs: START_TIMEOUT_MS });
  state = dev.state;
});
afterAll(async () => {
  await dev?.stop();
  await stripe?.close();
  if (state) rmSync(state, { recursive: true, force: true });
});

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

type Problem = { type: string; status: number; title?: string; detail?: string };

async function call<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; token?: string; json?: unknown; key?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  if (init.key) headers["Idempotency-Key"] = init.key;
  const res = await fetch(`${dev.url}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  const json = text && /json/.test(res.headers.get("Content-Type") ?? "");
  return { status: res.status, body: (json ? JSON.parse(text) : text) as T, headers: res.headers };
}

/** Polls `read` until `done` holds (the saga is asynchronous), or fails with the last value. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 300));
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
async function registerVerified(name: string, email = `commerce-e2e-${name}-${Date.now()}@example.com`): Promise<Person> {
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

/**
 * commerce:admin for a verified user, as an operator gets it: the root admin (ADMIN_EMAILS, platform:admin at its
 * verified login) grants the role through accounts' admin API; the user's refreshed token carries it.
 */
async function grantAdmin(person: Person): Promise<Person> {
  await registerVerified("root", ROOT_EMAIL);
  const root = await call<{ accessToken: string }>("/auth/v1/login", { json: { email: ROOT_EMAIL, password: PASSWORD } });
  expect(root.status).toBe(200);
  const granted = await call(`/auth/v1/admin/users/${person.id}/roles/commerce:admin`, { method: "PUT", token: root.body.accessToken });
  expect(granted.status).toBeLessThan(300);
  const refreshed = await call<{ accessToken: string; refreshToken: string }>("/auth/v1/refresh", {
    json: { refreshToken: person.refreshToken },
  });
  expect(refreshed.status).toBe(200);
  return { ...person, token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken };
}

type Order = {
  id: string;
  userId: string;
  status: string;
  cancelReason: string | null;
  amount: number;
  currency: string;
  paymentStatus: string;
  lines: { productId: string; quantity: number; unitAmount: number }[];
};
type Step = { id: string; at: string; kind: string; type: string; service: string; causationId: string | null };
type Timeline = { orderId: string; status: string; steps: Step[] };
type Product = { id: string; sku: string; unitAmount: number; currency: string; available: number; active: boolean };
type Inventory = { productId: string; onHand: number; reserved: number; available: number };
type LogEntry = { service: string; msg: string; correlationId: string | null; requestId: string | null };

const order = (id: string, who: Person) => call<Order>(`/commerce/v1/orders/${id}`, { token: who.token });
const timeline = (id: string, who: Person) => call<Timeline>(`/commerce/v1/orders/${id}/timeline`, { token: who.token });
const inventory = (productId: string, who: Person) => call<Inventory>(`/commerce/v1/products/${productId}/inventory`, { token: who.token });

/** The array of a list answer (`items` or `entries`), whatever the route calls it. */
const listOf = <T>(body: unknown): T[] => {
  const b = body as { items?: T[]; entries?: T[] };
  return b.items ?? b.entries ?? [];
};

/** Every event id on a timeline once (a redelivered event is recorded once, not twice). */
function expectNoDoubledEvents(t: Timeline): void {
  const ids = t.steps.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  // one terminal transition: an order is confirmed or cancelled once
  const terminal = t.steps.filter((s) => s.kind === "event_out" && (s.type === "order.confirmed" || s.type === "order.cancelled"));
  expect(terminal.length).toBe(1);
}

async function createProduct(admin: Person, name: string, unitAmount: number, stock: number): Promise<Product> {
  const created = await call<Product>("/commerce/v1/products", {
    token: admin.token,
    key: randomUUID(),
    json: { sku: `E2E-${name.toUpperCase()}-${Date.now()}`, name: `E2E ${name}`, unitAmount, currency: "usd", stock },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ unitAmount, currency: "usd", active: true, available: stock });
  expect(created.body.id).toMatch(/^prd_/);
  return created.body;
}

describe("the commerce services under pnpm dev, through the gateway", () => {
  let admin: Person;
  let buyer: Person;
  let mug: Product;

  it("GET /commerce/v1/health: the gateway reaches all six services", async () => {
    const health = await call<{ status: string; services: { service: string; up: boolean; latencyMs: number; version: string }[] }>(
      "/commerce/v1/health",
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    const byName = new Map(health.body.services.map((s) => [s.service, s]));
    for (const service of ["users", "catalog", "cart", "orders", "payments", "notifications"]) {
      expect(byName.get(service), service).toMatchObject({ up: true, version: "1.0.0" });
    }
  });

  it("auth at the gateway: no token is 401, a customer is 403 on admin routes; commerce:admin creates a product", async () => {
    const unauthenticated = await call<Problem>("/commerce/v1/cart");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("Content-Type")).toMatch(/application\/problem\+json/);
    expect(unauthenticated.headers.get("X-Request-Id")).toBeTruthy();
    const staff = await registerVerified("admin");
    buyer = await registerVerified("buyer");
    admin = await grantAdmin(staff);

    const refused = await call<Problem>("/commerce/v1/products", {
      token: buyer.token,
      key: randomUUID(),
      json: { sku: `E2E-NOPE-${Date.now()}`, name: "Nope", unitAmount: 100, currency: "usd", stock: 1 },
    });
    expect(refused.status).toBe(403);
    expect((await call<Problem>("/commerce/v1/admin/reconcile", { token: buyer.token })).status).toBe(403);
    expect((await call<Problem>("/commerce/v1/admin/logs?correlationId=ord_x", { token: buyer.token })).status).toBe(403);

    mug = await createProduct(admin, "mug", 1250, 10);
    const seen = await call<Product>(`/commerce/v1/products/${mug.id}`, { token: buyer.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: mug.id, available: 10, unitAmount: 1250 });
    const unknown = await call<Problem>("/commerce/v1/products/prd_doesnotexist", { token: buyer.token });
    expect(unknown.status).toBe(404);
  });

  let confirmed: Order;
  it("cart → order (Idempotency-Key) → reserved → charged at the stand-in → confirmed; the cart is emptied", async () => {
    // SMS receipts on: the dev SMS page shows it later
    const me = await call("/commerce/v1/me", { method: "PATCH", token: buyer.token, json: { phone: "+14155550100", notifyBySms: true } });
    expect(me.status).toBe(200);
    const cart = await call<{ lines: { productId: string; quantity: number; lineAmount: number }[]; amount: number }>(
      `/commerce/v1/cart/items/${mug.id}`,
      { method: "PUT", token: buyer.token, json: { quantity: 2 } },
    );
    expect(cart.status).toBe(200);
    expect(cart.body.lines).toEqual([expect.objectContaining({ productId: mug.id, quantity: 2, lineAmount: 2500 })]);
    expect(cart.body.amount).toBe(2500);

    const withoutKey = await call<Problem>("/commerce/v1/orders", { token: buyer.token, json: {} });
    expect(withoutKey.status).toBe(422);
    const key = randomUUID();
    const placed = await call<Order>("/commerce/v1/orders", { token: buyer.token, key, json: {} });
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ status: "pending", amount: 2500, currency: "usd", userId: buyer.id });
    expect(placed.body.id).toMatch(/^ord_/);
    const replay = await call<Order>("/commerce/v1/orders", { token: buyer.token, key, json: {} });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.id).toBe(placed.body.id);

    confirmed = (
      await eventually(
        () => order(placed.body.id, buyer),
        (r) => TERMINAL.includes(r.body.status),
        "the order after the saga",
      )
    ).body;
    expect(confirmed).toMatchObject({ status: "confirmed", paymentStatus: "succeeded", cancelReason: null });
    const mine = await call<{ items: Order[] }>("/commerce/v1/orders", { token: buyer.token });
    expect(mine.body.items.map((o) => o.id)).toEqual([placed.body.id]); // one order for two POSTs with one key
    const emptied = await call<{ lines: unknown[] }>("/commerce/v1/cart", { token: buyer.token });
    expect(emptied.body.lines).toEqual([]);
    // committed: on hand 10 - 2, nothing reserved
    const stock = await eventually(
      () => inventory(mug.id, admin),
      (r) => r.body.onHand === 8,
      "the stock after the commit",
    );
    expect(stock.body).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    // another user's order is 404
    const other = await registerVerified("other");
    expect((await order(confirmed.id, other)).status).toBe(404);
    expect((await call(`/commerce/v1/orders/${confirmed.id}/summary`, { token: other.token })).status).toBe(404);
  });

  it("GET /commerce/v1/orders/{id}/summary: order, payment and items from three services", async () => {
    const summary = await eventually(
      () =>
        call<{
          order: Order;
          payment: { status: string; amount: number; amountRefunded: number } | null;
          items: { status: string; lines: { productId: string; quantity: number }[] } | null;
          warnings: unknown[];
        }>(`/commerce/v1/orders/${confirmed.id}/summary`, { token: buyer.token }),
      (r) => r.body.items?.status === "committed",
      "the summary",
    );
    expect(summary.status).toBe(200);
    expect(summary.body.order).toMatchObject({ id: confirmed.id, status: "confirmed" });
    expect(summary.body.payment).toMatchObject({ status: "succeeded", amount: 2500, amountRefunded: 0 });
    expect(summary.body.items?.lines).toEqual([expect.objectContaining({ productId: mug.id, quantity: 2 })]);
    expect(summary.body.warnings).toEqual([]);
  });

  it("the Stripe stand-in delivered the payment's signed webhook to /commerce/v1/payments/webhooks/stripe (2xx)", async () => {
    type Delivery = { type: string; url: string; attempts: { status: number | null }[] };
    const webhook = `${dev.url}/commerce/v1/payments/webhooks/stripe`;
    const delivered = (d: Delivery) => d.url === webhook && d.attempts.some((a) => a.status !== null && a.status >= 200 && a.status < 300);
    const log = await eventually(
      async () => (await (await fetch(`${stripe.url}/_fake/deliveries/log?related=${confirmed.id}`)).json()) as { data: Delivery[] },
      (b) => b.data.some((d) => d.type === "payment_intent.succeeded") && b.data.filter((d) => d.url === webhook).every(delivered),
      "the payment_intent.succeeded delivery",
    );
    // accepted by payments' webhook inbox, not refused (a bad signature is 400, an unknown route 404)
    expect(log.data.filter((d) => d.url === webhook).every(delivered)).toBe(true);
  });

  it("GET /commerce/v1/orders/{id}/timeline: every event with the service that produced it", async () => {
    const t = await eventually(
      () => timeline(confirmed.id, buyer),
      (r) => r.body.steps?.some((s) => s.type === "notification.sent"),
      "the timeline with the receipt",
    );
    expect(t.status).toBe(200);
    const producers = new Map<string, string>();
    for (const s of t.body.steps) if (!producers.has(s.type)) producers.set(s.type, s.service);
    expect(Object.fromEntries(producers)).toMatchObject({
      "order.created": "orders",
      "inventory.reserved": "catalog",
      "payment.succeeded": "payments",
      "order.confirmed": "orders",
      "notification.sent": "notifications",
    });
    // in the order the saga recorded them: a step's cause (an event on this timeline) is listed before it
    const position = new Map(t.body.steps.map((s, i) => [s.id, i]));
    for (const [i, s] of t.body.steps.entries()) {
      const cause = s.causationId ? position.get(s.causationId) : undefined;
      if (cause !== undefined) expect(cause, `${s.type} after its cause`).toBeLessThan(i);
    }
    expectNoDoubledEvents(t.body);
  });

  it("GET /commerce/v1/admin/logs?correlationId=<orderId>: one order's logs from at least four services", async () => {
    const logs = await eventually(
      () => call(`/commerce/v1/admin/logs?correlationId=${confirmed.id}`, { token: admin.token }),
      (r) => new Set(listOf<LogEntry>(r.body).map((e) => e.service)).size >= 4,
      "logs from four services",
    );
    expect(logs.status).toBe(200);
    const entries = listOf<LogEntry>(logs.body);
    expect(entries.every((e) => e.correlationId === confirmed.id)).toBe(true);
    const services = new Set(entries.map((e) => e.service));
    for (const s of ["orders", "catalog", "payments"]) expect(services, s).toContain(s);
  });

  it("notifications: the receipt is listed, and the dev SMS page shows the text", async () => {
    const list = await eventually(
      () => call(`/commerce/v1/notifications`, { token: buyer.token }),
      (r) =>
        listOf<{ orderId: string; template: string; channel: string }>(r.body).some(
          (n) => n.orderId === confirmed.id && n.channel === "sms",
        ),
      "the receipt notifications",
    );
    const mine = listOf<{ orderId: string; template: string; channel: string }>(list.body).filter((n) => n.orderId === confirmed.id);
    expect(mine.map((n) => `${n.template}/${n.channel}`).sort()).toEqual(["receipt/email", "receipt/sms"]);
    const sms = await call<{ items: { to: string; body: string }[] }>("/commerce/v1/dev/sms", { token: buyer.token });
    expect(sms.status).toBe(200);
    expect(sms.body.items.some((m) => m.to === "+14155550100")).toBe(true);
  });

  it("a declined card: cancelled (payment_failed), the reserved stock back, nothing kept", async () => {
    const placed = await call<Order>("/commerce/v1/orders", {
      token: buyer.token,
      key: randomUUID(),
      json: { items: [{ productId: mug.id, quantity: 3 }], paymentMethod: "pm_card_chargeDeclined" },
    });
    expect(placed.status).toBe(202);
    const done = await eventually(
      () => order(placed.body.id, buyer),
      (r) => TERMINAL.includes(r.body.status),
      "the declined order",
    );
    expect(done.body).toMatchObject({ status: "cancelled", cancelReason: "payment_failed", paymentStatus: "failed" });
    const stock = await eventually(
      () => inventory(mug.id, admin),
      (r) => r.body.reserved === 0,
      "the released reservation",
    );
    expect(stock.body).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    const t = await eventually(
      () => timeline(placed.body.id, buyer),
      (r) => r.body.steps.some((s) => s.type === "inventory.released"),
      "the release on the timeline",
    );
    expect(t.body.steps.map((s) => s.type)).toEqual(expect.arrayContaining(["payment.failed", "order.cancelled", "inventory.released"]));
    expect(t.body.steps.some((s) => s.type === "payment.succeeded")).toBe(false);
    expectNoDoubledEvents(t.body);
  });

  it("a crash mid-saga (SIGKILL of the whole stack), a restart on the same state: every order ends once, nothing charged for a cancelled one", async () => {
    const n = 12;
    const stocked = await createProduct(admin, "kettle", 900, 100);
    const buyers = [buyer, await registerVerified("crash")];
    const cards = (i: number) => (i % 3 === 2 ? "pm_card_chargeDeclined" : "pm_card_visa");
    const placed = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const who = buyers[i % buyers.length] as Person;
        const key = randomUUID();
        const place = () =>
          call<Order>("/commerce/v1/orders", {
            token: who.token,
            key,
            json: { items: [{ productId: stocked.id, quantity: 1 + (i % 2) }], paymentMethod: cards(i) },
          });
        let res = await place();
        // 503 = a service was busy and nothing was ordered: a client retries with the same key
        for (let attempt = 0; res.status === 503 && attempt < 3; attempt++) {
          console.info(`placing order ${i}: 503 ${JSON.stringify(res.body).slice(0, 300)}; retried with the same key`);
          await new Promise((r) => setTimeout(r, 1000));
          res = await place();
        }
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        return { id: res.body.id, who, key, card: cards(i), quantity: 1 + (i % 2) };
      }),
    );
    const before = await Promise.all(placed.map((p) => order(p.id, p.who)));
    const inFlight = before.filter((r) => !TERMINAL.includes(r.body.status)).length;
    await dev.kill();
    console.info(`crash: ${inFlight} of ${n} sagas in flight (${before.map((r) => r.body.status).join(", ")})`);
    expect(inFlight).toBeGreaterThan(0); // the crash hit sagas mid-way, not after they had all ended

    dev = await startDevRetrying({ state, env: devEnv(), timeoutMs: START_TIMEOUT_MS });
    // the same key after the restart replays the same order (the idempotency record survived)
    const first = placed[0] as (typeof placed)[number];
    const again = await call<Order>("/commerce/v1/orders", {
      token: first.who.token,
      key: first.key,
      json: { items: [{ productId: stocked.id, quantity: first.quantity }], paymentMethod: first.card },
    });
    expect(again.body.id).toBe(first.id);

    const finals = await Promise.all(
      placed.map((p) =>
        eventually(
          () => order(p.id, p.who),
          (r) => TERMINAL.includes(r.body.status),
          `order ${p.id} (${p.card}) after the restart`,
          (PAYMENT_TIMEOUT_SECONDS + 90) * 1000,
        ),
      ),
    );
    const declined = placed.filter((p) => p.card !== "pm_card_visa").map((p) => p.id);
    for (const [i, f] of finals.entries()) {
      const p = placed[i] as (typeof placed)[number];
      if (declined.includes(p.id)) expect(f.body.status, p.id).toBe("cancelled");
    }
    // every order: one terminal transition, no event twice, settled on its timeline
    for (const p of placed) {
      const t = await eventually(
        () => timeline(p.id, p.who),
        (r) => r.status === 200 && TERMINAL.includes(r.body.status),
        `timeline of ${p.id}`,
      );
      expectNoDoubledEvents(t.body);
    }
    // payments and orders agree to the cent: every confirmed order paid once, nothing kept for a cancelled one
    const reconcile = await eventually(
      () =>
        call<{ orders: number; differences: { orderId: string }[]; totalDifference: number }>("/commerce/v1/admin/reconcile", {
          token: admin.token,
        }),
      (r) => r.status === 200 && r.body.totalDifference === 0 && r.body.differences.length === 0,
      "reconciliation after the restart",
      90_000,
    );
    expect(reconcile.body.orders).toBeGreaterThanOrEqual(n + 2);
    for (const [i, f] of finals.entries()) {
      const summary = await call<{ payment: { status: string; amount: number; amountRefunded: number } | null }>(
        `/commerce/v1/orders/${f.body.id}/summary`,
        { token: (placed[i] as (typeof placed)[number]).who.token },
      );
      const p = summary.body.payment;
      const kept = p && (p.status === "succeeded" || p.status === "refunded") ? p.amount - p.amountRefunded : 0;
      expect(kept, f.body.id).toBe(f.body.status === "confirmed" ? f.body.amount : 0);
    }
    // the stock: on hand less exactly what the confirmed orders took, nothing left reserved
    const took = finals.filter((f) => f.body.status === "confirmed").reduce((sum, f) => sum + (f.body.lines[0]?.quantity ?? 0), 0);
    const stock = await eventually(
      () => inventory(stocked.id, admin),
      (r) => r.body.reserved === 0 && r.body.onHand === 100 - took,
      `the kettle's stock (in flight at the crash: ${inFlight} of ${n})`,
      90_000,
    );
    expect(stock.body.available).toBe(100 - took);
  }, 900_000);
});
