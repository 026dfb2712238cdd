// POST /shop/v1/stripe/webhook (shop.open: Stripe has no token): the raw body's signature verified,
// each event stored once in stripe_events by its evt_ id, then applied to the orders.
import { ApiError, createRouter, errors, jsonResponse, log } from "@edgeworks/http";
import type { PublicEnv } from "@edgeworks/product";
import { readWebhookBody, type Stripe, verifyWebhook, WebhookSignatureError } from "@edgeworks/stripe";
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { MiddlewareHandler } from "hono";
import { drainShopOutboxLater } from "../orders/outbox";
import { applyStripeEvent } from "../orders/payments";
import { stripeEvents } from "../orders/schema";

const received = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().openapi({ description: "True when this event id was already processed (nothing was done)" }),
    ignored: z.boolean().openapi({ description: "True for an event type the shop does not act on" }),
  })
  .openapi("StripeWebhookAck");

/** The raw bodies of webhook requests, read before the JSON validator parses them (the signature is over the bytes). */
const rawBodies = new WeakMap<Request, string>();

const keepRawBody: MiddlewareHandler = async (c, next) => {
  rawBodies.set(c.req.raw, await readWebhookBody(c.req.raw));
  await next();
};

const webhookRoute = createRoute({
  middleware: [keepRawBody] as const,
  method: "post",
  path: "/stripe/webhook",
  operationId: "receiveStripeWebhook",
  security: [],
  tags: ["Stripe"],
  summary: "Stripe webhook endpoint (signed events)",
  description:
    "Stripe (or the local stand-in) posts signed events here. The `Stripe-Signature` header is verified over the raw body " +
    "with the endpoint secret and a 300 s tolerance; a missing, forged, stale or mismatched signature is 400 and changes nothing. " +
    "Each event is processed once (by its `evt_` id): a redelivery is 200 with `duplicate: true`. Handled: " +
    "`payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`; other types are 200 and ignored.",
  request: {
    headers: z.object({ "stripe-signature": z.string().optional().openapi({ description: "t=<unix time>,v1=<HMAC-SHA256 hex>" }) }),
    body: {
      required: true,
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi({ description: "A Stripe Event object" }) } },
    },
  },
  responses: { 200: jsonResponse(received, "Accepted (processed, duplicate or ignored)"), ...errors(400, 413, 415, 422) },
});

/** The webhook router, mounted on shop.open. */
export const stripeWebhookRouter = createRouter<PublicEnv<Env>>().openapi(webhookRoute, async (c) => {
  const raw = rawBodies.get(c.req.raw) ?? "";
  let event: Stripe.Event;
  try {
    event = await verifyWebhook(c.env, raw, c.req.header("stripe-signature"));
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw new ApiError("bad_request", err.message);
    throw err;
  }
  const db = drizzle(c.env.DB);
  const now = Date.now();
  const object = event.data.object as { id?: unknown };
  const inserted = await db
    .insert(stripeEvents)
    .values({
      id: event.id,
      type: event.type,
      objectId: typeof object.id === "string" ? object.id : null,
      created: event.created,
      receivedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (inserted.length === 0) return c.json({ received: true as const, duplicate: true, ignored: false }, 200);
  let handled: boolean;
  try {
    handled = await applyStripeEvent(c.env, db, event, now);
  } catch (err) {
    // not processed: forget the event so Stripe's redelivery runs it again
    await db.delete(stripeEvents).where(eq(stripeEvents.id, event.id));
    log(c.env.LOG_LEVEL, "error", "stripe event failed; Stripe will redeliver", {
      eventId: event.id,
      type: event.type,
      error: String(err),
    });
    throw err;
  }
  drainShopOutboxLater(c.env, c.executionCtx);
  return c.json({ received: true as const, duplicate: false, ignored: !handled }, 200);
});
