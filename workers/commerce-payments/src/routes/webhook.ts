// POST /commerce/v1/payments/webhooks/stripe (open router: Stripe has no token): the raw body's signature
// verified, each event stored once in stripe_events by its evt_ id, then applied to the payments.
import { ApiError, createRouter, errors, jsonResponse } from "@edgeworks/http";
import type { PublicEnv } from "@edgeworks/product";
import { readWebhookBody, type Stripe, verifyWebhook, WebhookSignatureError } from "@edgeworks/stripe";
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { MiddlewareHandler } from "hono";
import { payDeps } from "../deps";
import { applyStripeEvent } from "../payments.service";
import { stripeEvents } from "../schema";

const received = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().openapi({ description: "True when this event id was already processed (nothing was done)" }),
    ignored: z.boolean().openapi({ description: "True for an event payments does not act on" }),
  })
  .openapi("StripeWebhookAck");

const rawBodies = new WeakMap<Request, string>();

const keepRawBody: MiddlewareHandler = async (c, next) => {
  rawBodies.set(c.req.raw, await readWebhookBody(c.req.raw));
  await next();
};

const webhookRoute = createRoute({
  operationId: "receiveStripeWebhook",
  // Stripe sends no token: the `Stripe-Signature` over the raw body is the credential
  security: [],
  middleware: [keepRawBody] as const,
  method: "post",
  path: "/payments/webhooks/stripe",
  tags: ["Stripe"],
  summary: "Stripe webhook endpoint (signed events)",
  description:
    "Stripe (or the local stand-in) posts signed events here; no token. The `Stripe-Signature` header is verified over the raw " +
    "body with the endpoint secret (300 s tolerance): missing, forged or stale → 400, nothing changes. Each event id is " +
    "processed once (a redelivery is 200 `duplicate: true`). Handled: `payment_intent.succeeded`, `payment_intent.payment_failed`, " +
    "`payment_intent.canceled`, `charge.refunded`; others are 200 `ignored: true`.",
  request: {
    headers: z.object({ "stripe-signature": z.string().optional().openapi({ description: "t=<unix time>,v1=<HMAC-SHA256 hex>" }) }),
    body: {
      required: true,
      content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi({ description: "A Stripe Event object" }) } },
    },
  },
  responses: { 200: jsonResponse(received, "Accepted (processed, duplicate or ignored)"), ...errors(400, 413, 415, 422) },
});

/** The webhook router, mounted on the product's open router. */
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
  const object = event.data.object as { id?: unknown };
  const inserted = await db
    .insert(stripeEvents)
    .values({
      id: event.id,
      type: event.type,
      objectId: typeof object.id === "string" ? object.id : null,
      created: event.created,
      receivedAt: Date.now(),
    })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (inserted.length === 0) return c.json({ received: true as const, duplicate: true, ignored: false }, 200);
  const requestId = c.get("requestId") ?? null;
  const deps = payDeps(c.env, { requestId }, { requestId }, (w) => c.executionCtx.waitUntil(w));
  let handled: boolean;
  try {
    handled = await applyStripeEvent(deps, event);
  } catch (err) {
    // not processed: forget the event so Stripe's redelivery runs it again
    await db.delete(stripeEvents).where(eq(stripeEvents.id, event.id));
    deps.logger.error("stripe event failed; Stripe will redeliver", { eventId: event.id, type: event.type, error: String(err) });
    c.executionCtx.waitUntil(deps.logger.flush());
    throw err;
  }
  deps.logger.info("stripe event applied", { eventId: event.id, type: event.type, handled });
  c.executionCtx.waitUntil(deps.logger.flush());
  return c.json({ received: true as const, duplicate: false, ignored: !handled }, 200);
});
