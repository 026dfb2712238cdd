// Types of @edgeworks/stripe-fake/control (src/control.mjs), for TypeScript code (Worker tests in workerd).

/** A signed delivery waiting at a `pull://` endpoint. */
export interface FakeDelivery {
  id: string;
  /** The event id (`evt_…`). */
  event: string;
  /** The event type (`payment_intent.succeeded`). */
  type: string;
  url: string;
  /** The exact body to POST (the event as JSON). */
  payload: string;
  /** The `Stripe-Signature` header for that body, signed now with the endpoint's secret. */
  signature: string;
  attempt: number;
}

export interface DeliveryFilter {
  /** Matches the event's object id, its payment_intent/customer/subscription/invoice/charge, metadata values, client_reference_id. */
  related?: string;
  take?: number;
  /** Do not mark them taken. */
  peek?: boolean;
  order?: "normal" | "reverse";
  /** Return each delivery twice. */
  duplicate?: boolean;
  /** An endpoint id or url (default: every pull endpoint). */
  endpoint?: string;
}

export interface DeliveryLogEntry {
  id: string;
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: "pending" | "held" | "succeeded" | "failed" | "pulled";
  attempts: { at: number; status: number | null; error?: string }[];
  related: string[];
}

/** A Stripe object as the fake answers it (use the `stripe` SDK's types where you need more). */
export type FakeObject = Record<string, unknown> & { id: string; object: string };

export interface FakeStripe {
  deliveries(filter?: DeliveryFilter): Promise<FakeDelivery[]>;
  deliverTo(
    fetchFn: (request: Request) => Promise<Response>,
    url: string,
    deliveries: readonly Pick<FakeDelivery, "payload" | "signature">[],
    override?: { signature?: string; payload?: string },
  ): Promise<Response[]>;
  behaviour(
    settings: { duplicate?: boolean; order?: "normal" | "reverse"; hold?: boolean },
    endpoint?: string,
  ): Promise<{ endpoint: string; url: string; duplicate: boolean; order: "normal" | "reverse"; hold: boolean }>;
  flush(endpoint?: string): Promise<{ endpoint: string; flushed: number }>;
  advanceClock(seconds: number): Promise<{ now: number; offset: number }>;
  clock(): Promise<{ now: number; offset: number }>;
  authenticate(paymentIntent: string, outcome?: "succeed" | "fail"): Promise<FakeObject & { status: string }>;
  confirm(paymentIntent: string, paymentMethod?: string): Promise<FakeObject & { status: string; last_payment_error: unknown }>;
  completeCheckout(session: string, input?: { paymentMethod?: string; email?: string }): Promise<FakeObject & { status: string }>;
  log(filter?: { related?: string; endpoint?: string }): Promise<DeliveryLogEntry[]>;
}

/**
 * A client of the Stripe stand-in's /_fake control API (fetch only; runs in workerd).
 *
 * @example const stripeFake = fakeStripe(env.STRIPE_API_BASE);
 */
export function fakeStripe(base: string, options?: { fetch?: typeof fetch }): FakeStripe;
