// Fixtures of the orders tests (checkout, webhooks, refunds, transitions): products seeded in D1 with
// stock set in their Inventory objects, carts filled over RPC, checkouts, and signed webhook posts.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { fakeStripe } from "@edgeworks/stripe-fake/control";
import type { TestUser } from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { cartOf, userCartKey } from "../src/cart/cart-client";
import { inventoryOf } from "../src/cart/inventory-client";
import { products, variants } from "../src/catalog/schema";
import worker from "../src/index";
import { BASE, call } from "./helpers";

/** The Worker's env with the Stripe bindings (the test's own webhook secret when the stand-in is not wired). */
export const TEST_WEBHOOK_SECRET = "whsec_orders_tests";
const bindings = env as unknown as Record<string, string | undefined>;
/** Whether the vitest wiring started the Stripe stand-in (STRIPE_API_BASE is bound). */
export const hasStripe = typeof bindings.STRIPE_API_BASE === "string" && bindings.STRIPE_API_BASE.length > 0;
/** The webhook secret the Worker verifies with in these tests. */
export const webhookSecret = (): string => bindings.STRIPE_WEBHOOK_SECRET ?? TEST_WEBHOOK_SECRET;
/** The env the tests hand the Worker: the bound one, plus a webhook secret when none is bound. */
export const testEnv = (): Env => ({ ...env, STRIPE_WEBHOOK_SECRET: webhookSecret() }) as Env;

/** The stand-in's control client (only when `hasStripe`). */
export const stripeFake = () => fakeStripe(bindings.STRIPE_API_BASE ?? "http://127.0.0.1:9");

/** Calls the Worker with {@link testEnv} (so the webhook secret is set) and waits for its waitUntil work. */
export async function fetchWorker(url: string, init: RequestInit = {}, overrides: Record<string, unknown> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, init), { ...testEnv(), ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A product with one variant (active, `price` minor units) and `stock` units in its Inventory object. */
export async function seedProduct(opts: { stock: number; price?: number; currency?: string }) {
  const db = drizzle(env.DB);
  const now = Date.now();
  const productId = nanoid();
  const variantId = nanoid();
  const currency = opts.currency ?? "USD";
  const price = opts.price ?? 2500;
  await db.insert(products).values({
    id: productId,
    slug: `p-${productId.toLowerCase()}`,
    title: `Product ${productId.slice(0, 5)}`,
    status: "active",
    currency,
    minPrice: price,
    createdAt: now,
    updatedAt: now,
  });
  await db
    .insert(variants)
    .values({ id: variantId, productId, sku: `SKU-${variantId}`, title: "Default", price, currency, createdAt: now, updatedAt: now });
  const set = await inventoryOf(env, productId).setStock(variantId, opts.stock);
  if (!set.ok) throw new Error(`setStock failed: ${set.detail}`);
  return { productId, variantId, price, currency };
}

/** Available units of a variant, from its Inventory object. */
export async function availableOf(productId: string, variantId: string): Promise<number> {
  const r = await inventoryOf(env, productId).availability([variantId]);
  if (!r.ok) throw new Error(r.detail);
  return r.value.variants[0]?.available ?? -1;
}

/** Stock on hand of a variant. */
export async function stockOf(productId: string, variantId: string): Promise<number> {
  const r = await inventoryOf(env, productId).availability([variantId]);
  if (!r.ok) throw new Error(r.detail);
  return r.value.variants[0]?.stock ?? -1;
}

/** Puts `quantity` of a variant in the user's cart (stock reserved by the cart); throws on a conflict. */
export async function addToCart(user: TestUser, variantId: string, quantity = 1) {
  const outcome = await cartOf(env, userCartKey(user.id)).addItem(variantId, quantity);
  if (!outcome.ok) throw new Error(`addItem: ${outcome.detail}`);
  return outcome.value;
}

/** POST /checkout with a fresh Idempotency-Key (or the given one). */
export const checkoutAs = (
  user: TestUser,
  body: Record<string, unknown> = { country: "US", shippingMethod: "standard" },
  key: string = nanoid(),
) => call("POST", "/checkout", user.token, body, { "Idempotency-Key": key });

/** The order as its owner (or an admin) reads it. */
export async function getOrder(token: string, id: string) {
  const res = await call("GET", `/orders/${id}`, token);
  return { status: res.status, body: (await res.json()) as OrderBody };
}

/** The parts of an order view the tests look at. */
export interface OrderBody {
  id: string;
  state: string;
  total: number;
  subtotal: number;
  discount: number;
  tax: number;
  shipping: number;
  amountPaid: number;
  amountRefunded: number;
  currency: string;
  couponCode: string | null;
  lines: { id: string; quantity: number; unitPrice: number; refundedQuantity: number }[];
  payment: { paymentIntentId: string | null; error: string | null; refundable: number };
  refunds: { id: string; amount: number; state: string; source: string }[];
  timeline: { type: string; from: string | null; to: string | null; actor: string; reason: string | null }[];
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A `Stripe-Signature` header over `payload` (HMAC-SHA256 of `<t>.<payload>`), as Stripe signs. */
export async function signPayload(payload: string, secret = webhookSecret(), timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${payload}`));
  return `t=${timestamp},v1=${hex(mac)}`;
}

/** A Stripe event body of `type` about `object`. */
export const stripeEvent = (type: string, object: Record<string, unknown>, id = `evt_${nanoid()}`) =>
  JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });

/** POSTs a webhook body with a signature (default: a good one) to the Worker. */
export async function postWebhook(payload: string, signature?: string | null): Promise<Response> {
  const sig = signature === undefined ? await signPayload(payload) : signature;
  return fetchWorker(`${BASE}/stripe/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(sig === null ? {} : { "Stripe-Signature": sig }) },
    body: payload,
  });
}

/** A PaymentIntent object as Stripe's events carry it. */
export const paymentIntent = (o: {
  id: string;
  orderId: string;
  amount: number;
  status: string;
  error?: { message: string; decline_code?: string };
}) => ({
  id: o.id,
  object: "payment_intent",
  amount: o.amount,
  amount_received: o.status === "succeeded" ? o.amount : 0,
  currency: "usd",
  status: o.status,
  metadata: { order_id: o.orderId },
  last_payment_error: o.error ? { type: "card_error", code: "card_declined", ...o.error } : null,
});

/** Pulls the stand-in's deliveries about `related` and POSTs them to the Worker's webhook; answers the statuses. */
export async function deliverFromFake(
  related: string,
  options: { order?: "normal" | "reverse"; duplicate?: boolean } = {},
): Promise<{ types: string[]; statuses: number[] }> {
  const deliveries = await stripeFake().deliveries({ related, ...options });
  const statuses: number[] = [];
  for (const d of deliveries) statuses.push((await postWebhook(d.payload, d.signature)).status);
  return { types: deliveries.map((d) => d.type), statuses };
}

export { SELF };
