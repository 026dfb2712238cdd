// The domain events of the commerce services: one envelope, one zod schema per type, and who subscribes.
// Producers build events with `newEvent`, consumers parse them with `commerceEvent`; a contract test on
// each side checks that what one writes the other reads.
import { nanoid } from "nanoid";
import { z } from "zod";

/** The services (each its own Worker, `workers/commerce-<name>`). */
export const SERVICES = ["gateway", "users", "catalog", "cart", "orders", "payments", "notifications"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The services that consume events, each from its own queue `edgeworks-commerce-<name>-events`. */
export const SUBSCRIBERS = ["catalog", "orders", "payments", "notifications"] as const;
export type Subscriber = (typeof SUBSCRIBERS)[number];

/** Ids in events and RPCs: what the services generate (`ord_…`, `pay_…`), bounded and path-safe. */
export const entityId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
/** A currency Stripe takes: three lower-case letters (ISO 4217). */
export const currency = z
  .string()
  .length(3)
  .regex(/^[a-z]{3}$/);
/** An amount in the currency's minor unit (cents), as Stripe counts. */
export const amount = z.number().int().min(0).max(99_999_999);
export const quantity = z.number().int().min(1).max(1000);

/** A line of an order as the order was priced (catalog's price at the time). */
export const orderLine = z.object({
  productId: entityId,
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  quantity,
  unitAmount: amount,
});
export type OrderLine = z.infer<typeof orderLine>;

/** A reserved, committed or released quantity of one product. */
export const stockLine = z.object({ productId: entityId, quantity });
export type StockLine = z.infer<typeof stockLine>;

/** Why an order was cancelled. */
export const cancelReason = z.enum(["out_of_stock", "unknown_product", "payment_failed", "payment_timeout", "customer_request"]);
export type CancelReason = z.infer<typeof cancelReason>;

/** The payload of every event type (version 1). */
export const EVENT_PAYLOADS = {
  "order.created": z.object({
    orderId: entityId,
    userId: entityId,
    lines: z.array(orderLine).min(1).max(50),
    amount,
    currency,
    paymentMethod: z.string().min(1).max(255),
  }),
  "inventory.reserved": z.object({ orderId: entityId, lines: z.array(stockLine).min(1).max(50) }),
  "inventory.rejected": z.object({
    orderId: entityId,
    reason: z.enum(["out_of_stock", "unknown_product"]),
    productIds: z.array(entityId).max(50),
  }),
  "inventory.released": z.object({ orderId: entityId, lines: z.array(stockLine).max(50), reason: cancelReason }),
  "payment.succeeded": z.object({ orderId: entityId, paymentId: entityId, paymentIntentId: z.string().max(255), amount, currency }),
  "payment.failed": z.object({
    orderId: entityId,
    paymentId: entityId,
    paymentIntentId: z.string().max(255).nullable(),
    code: z.string().max(100),
    message: z.string().max(500),
  }),
  "payment.refunded": z.object({ orderId: entityId, paymentId: entityId, refundId: z.string().max(255), amount, currency }),
  "order.confirmed": z.object({ orderId: entityId, userId: entityId, lines: z.array(orderLine).min(1).max(50), amount, currency }),
  "order.cancelled": z.object({
    orderId: entityId,
    userId: entityId,
    reason: cancelReason,
    /** The order had been paid: payments refunds it. */
    refund: z.boolean(),
    amount,
    currency,
  }),
  "notification.sent": z.object({
    orderId: entityId,
    userId: entityId,
    notificationId: entityId,
    channel: z.enum(["email", "sms"]),
    template: z.enum(["receipt", "cancellation", "refund"]),
  }),
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

/** Who consumes each event type (its queue gets a copy through the producer's outbox). */
export const EVENT_SUBSCRIBERS: Record<EventType, readonly Subscriber[]> = {
  "order.created": ["catalog"],
  "inventory.reserved": ["orders"],
  "inventory.rejected": ["orders"],
  "inventory.released": ["orders"],
  "payment.succeeded": ["orders"],
  "payment.failed": ["orders"],
  "payment.refunded": ["orders", "notifications"],
  "order.confirmed": ["catalog", "notifications"],
  "order.cancelled": ["catalog", "payments", "notifications"],
  "notification.sent": ["orders"],
};

/** Which service produces each event type. */
export const EVENT_PRODUCERS: Record<EventType, ServiceName> = {
  "order.created": "orders",
  "inventory.reserved": "catalog",
  "inventory.rejected": "catalog",
  "inventory.released": "catalog",
  "payment.succeeded": "payments",
  "payment.failed": "payments",
  "payment.refunded": "payments",
  "order.confirmed": "orders",
  "order.cancelled": "orders",
  "notification.sent": "notifications",
};

const envelopeFields = {
  /** `evt_` + 21 characters; unique, the consumers' idempotency key. */
  id: z.string().regex(/^evt_[A-Za-z0-9_-]{21}$/),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  /** The order id: every event of one saga shares it. */
  correlationId: entityId,
  /** The id of the event (or `req:<request id>`) that caused this one; null for none. */
  causationId: z.string().max(200).nullable(),
  /** The request that started the saga, for logs across services. */
  requestId: z.string().max(200).nullable(),
  producer: z.enum(SERVICES),
};

function variant<T extends EventType>(type: T) {
  return z.object({ ...envelopeFields, type: z.literal(type), payload: EVENT_PAYLOADS[type] });
}

const variants = EVENT_TYPES.map((t) => variant(t)) as unknown as [
  ReturnType<typeof variant<EventType>>,
  ...ReturnType<typeof variant<EventType>>[],
];

/** Any commerce event (a discriminated union on `type`). */
export const commerceEvent = z.discriminatedUnion("type", variants);

/** One event type, with its payload typed. */
export type CommerceEvent<T extends EventType = EventType> = {
  [K in T]: {
    id: string;
    version: 1;
    occurredAt: string;
    correlationId: string;
    causationId: string | null;
    requestId: string | null;
    producer: ServiceName;
    type: K;
    payload: EventPayload<K>;
  };
}[T];

/** Where an event comes from: the cause (an event or a request) and the request of the saga. */
export interface EventCause {
  /** The event this one reacts to (its id becomes `causationId`, its `requestId` is carried on). */
  event?: Pick<CommerceEvent, "id" | "requestId"> | null;
  /** Or the request that caused it (`causationId` = `req:<id>`). */
  requestId?: string | null;
}

/**
 * A new event, validated (a producer can never emit what its consumers would refuse).
 *
 * @example const created = newEvent("order.created", { orderId, userId, lines, amount, currency, paymentMethod }, { requestId });
 */
export function newEvent<T extends EventType>(
  type: T,
  payload: EventPayload<T>,
  cause: EventCause = {},
  now = Date.now(),
): CommerceEvent<T> {
  const event = {
    id: `evt_${nanoid(21)}`,
    version: 1 as const,
    occurredAt: new Date(now).toISOString(),
    correlationId: payload.orderId,
    causationId: cause.event ? cause.event.id : cause.requestId ? `req:${cause.requestId}` : null,
    requestId: cause.event ? cause.event.requestId : (cause.requestId ?? null),
    producer: EVENT_PRODUCERS[type],
    type,
    payload: EVENT_PAYLOADS[type].parse(payload),
  };
  return commerceEvent.parse(event) as CommerceEvent<T>;
}

/** The queue a subscriber consumes from (wrangler `queue` name). */
export const subscriberQueue = (subscriber: Subscriber): string => `edgeworks-commerce-${subscriber}-events`;
/** The producer binding a publishing service has for a subscriber's queue (`ORDERS_EVENTS`, …). */
export const subscriberBinding = (subscriber: Subscriber): string => `${subscriber.toUpperCase()}_EVENTS`;
