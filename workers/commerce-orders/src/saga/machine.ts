// The order saga as a PURE state machine: (state, input) → applied { next, effects } | stale | early.
// The queue consumer, the payment timeout (alarm and cron), the cancel route and the replay endpoint all
// run it, so the order's stored state is always a fold of its stored inputs (replay checks exactly that).
import type { CancelReason } from "@edgeworks/commerce-contracts";

export type OrderStatus = "pending" | "awaiting_payment" | "confirmed" | "cancelled";
export type PaymentStatus = "none" | "processing" | "succeeded" | "failed" | "refunded";

/** What the machine knows of an order. */
export interface SagaState {
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  cancelReason: CancelReason | null;
}

/** The state of a new order (`order.created`). */
export const INITIAL_STATE: SagaState = { status: "pending", paymentStatus: "none", cancelReason: null };

/** What moves an order: the events orders consumes, and its own steps (timeout, cancel request). */
export type SagaInput =
  | { type: "inventory.reserved" }
  | { type: "inventory.rejected"; reason: "out_of_stock" | "unknown_product" }
  | { type: "inventory.released" }
  | { type: "payment.succeeded" }
  | { type: "payment.failed" }
  | { type: "payment.refunded" }
  | { type: "notification.sent" }
  | { type: "payment.timeout" }
  | { type: "cancel.requested" };
export type SagaInputType = SagaInput["type"];
export const SAGA_INPUT_TYPES: readonly SagaInputType[] = [
  "inventory.reserved",
  "inventory.rejected",
  "inventory.released",
  "payment.succeeded",
  "payment.failed",
  "payment.refunded",
  "notification.sent",
  "payment.timeout",
  "cancel.requested",
];

/** What the caller does once the transition is committed (`publish` rows go in the same batch). */
export type SagaEffect =
  | { kind: "charge" }
  | { kind: "publish"; type: "order.confirmed" }
  | { kind: "publish"; type: "order.cancelled"; reason: CancelReason; refund: boolean };

export type SagaOutcome =
  | { kind: "applied"; next: SagaState; effects: SagaEffect[] }
  /** The order is already past this input: recorded on the log, nothing changes. */
  | { kind: "stale"; reason: string }
  /** The input's precondition is not reached yet (an event overtook another): retried later. */
  | { kind: "early"; reason: string };

const applied = (next: SagaState, effects: SagaEffect[] = []): SagaOutcome => ({ kind: "applied", next, effects });
const stale = (reason: string): SagaOutcome => ({ kind: "stale", reason });
const early = (reason: string): SagaOutcome => ({ kind: "early", reason });

/**
 * A cancel. A payment still `processing` (asked for, no payment.succeeded / payment.failed applied) becomes
 * `none`: payments cancels the PaymentIntent of a cancelled order and publishes no event for that, so the order
 * must not claim a payment in flight forever; `none` = nothing captured, nothing pending. Should the charge
 * still succeed, payments refunds it on its own and its payment.refunded moves `none` → `refunded`.
 */
const cancel = (
  state: SagaState,
  reason: CancelReason,
  refund: boolean,
  paymentStatus: PaymentStatus = state.paymentStatus === "processing" ? "none" : state.paymentStatus,
): SagaOutcome =>
  applied({ status: "cancelled", paymentStatus, cancelReason: reason }, [{ kind: "publish", type: "order.cancelled", reason, refund }]);

/**
 * One step of the saga. Never throws, never reads anything but its arguments.
 *
 * @example transition({ status: "pending", paymentStatus: "none", cancelReason: null }, { type: "inventory.reserved" })
 * // → { kind: "applied", next: { status: "awaiting_payment", paymentStatus: "processing", … }, effects: [{ kind: "charge" }] }
 */
export function transition(state: SagaState, input: SagaInput): SagaOutcome {
  const { status } = state;
  switch (input.type) {
    case "inventory.reserved":
      if (status === "pending") return applied({ ...state, status: "awaiting_payment", paymentStatus: "processing" }, [{ kind: "charge" }]);
      return stale(`order is ${status}`);
    case "inventory.rejected":
      // catalog released whatever it held for the order: cancelled, nothing charged
      if (status === "pending") return cancel(state, input.reason, false);
      return stale(`order is ${status}`);
    case "payment.succeeded":
      if (status === "pending") return early("stock not reserved yet");
      if (status === "awaiting_payment")
        return applied({ ...state, status: "confirmed", paymentStatus: "succeeded" }, [{ kind: "publish", type: "order.confirmed" }]);
      // cancelled meanwhile: payments refunds a PaymentIntent that succeeds for a cancelled order on its own
      return stale(`order is ${status}`);
    case "payment.failed":
      if (status === "pending") return early("stock not reserved yet");
      if (status === "awaiting_payment") return cancel(state, "payment_failed", false, "failed");
      return stale(`order is ${status}`);
    case "payment.timeout":
      if (status === "pending" || status === "awaiting_payment") return cancel(state, "payment_timeout", false);
      return stale(`order is ${status}`);
    case "cancel.requested":
      if (status === "pending" || status === "awaiting_payment") return cancel(state, "customer_request", false);
      if (status === "confirmed") return cancel(state, "customer_request", true);
      return stale("order is already cancelled");
    case "payment.refunded":
      if (state.paymentStatus === "refunded") return stale("already refunded");
      return applied({ ...state, paymentStatus: "refunded" });
    case "inventory.released":
    case "notification.sent":
      // recorded on the log; the order does not move
      return applied(state);
  }
}

/** A stored event's input (the payload of `inventory.rejected` carries its reason), or null for an unknown type. */
export function inputOf(type: string, payload: unknown): SagaInput | null {
  if (!(SAGA_INPUT_TYPES as readonly string[]).includes(type)) return null;
  if (type === "inventory.rejected") {
    const reason = (payload as { reason?: unknown } | null)?.reason === "unknown_product" ? "unknown_product" : "out_of_stock";
    return { type, reason };
  }
  return { type } as SagaInput;
}

/** One folded input of a replay. */
export interface ReplayStep {
  eventId: string;
  type: string;
  outcome: SagaOutcome["kind"];
  from: SagaState;
  to: SagaState;
}

/** Folds stored inputs (oldest first) through {@link transition} from the initial state. */
export function fold(inputs: readonly { id: string; type: string; payload: unknown }[]): { state: SagaState; steps: ReplayStep[] } {
  let state = INITIAL_STATE;
  const steps: ReplayStep[] = [];
  for (const row of inputs) {
    const input = inputOf(row.type, row.payload);
    if (!input) continue;
    const outcome = transition(state, input);
    const next = outcome.kind === "applied" ? outcome.next : state;
    steps.push({ eventId: row.id, type: row.type, outcome: outcome.kind, from: state, to: next });
    state = next;
  }
  return { state, steps };
}
