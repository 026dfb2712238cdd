// The order state machine: which action may move an order from which state, in one place.
import { ApiError } from "@edgeworks/http";
import type { OrderState } from "./schema";

/** What an admin (or the customer, for cancel) can do to an order through the API. */
export type OrderAction = "fulfill" | "deliver" | "cancel" | "refund";

/**
 * The states each action may start from. fulfill: paid → fulfilled; deliver: fulfilled → delivered;
 * cancel: pending_payment | paid → cancelled; refund: paid | fulfilled | delivered | partially_refunded →
 * refunded | partially_refunded. A partially refunded order still ships what was kept: fulfill and deliver
 * set its `fulfilled_at` / `delivered_at` (once each, in that order) and it stays partially_refunded.
 * Everything else is 409.
 */
export const ALLOWED_FROM: Readonly<Record<OrderAction, readonly OrderState[]>> = {
  fulfill: ["paid", "partially_refunded"],
  deliver: ["fulfilled", "partially_refunded"],
  cancel: ["pending_payment", "paid"],
  refund: ["paid", "fulfilled", "delivered", "partially_refunded"],
};

/** The target state of a transition action. */
export const TARGET: Readonly<Record<"fulfill" | "deliver" | "cancel", OrderState>> = {
  fulfill: "fulfilled",
  deliver: "delivered",
  cancel: "cancelled",
};

/** The 409 of an action the order's state does not allow. */
export const illegalTransition = (action: OrderAction, state: OrderState): ApiError =>
  new ApiError("conflict", `Cannot ${action} an order that is ${state}`, { extensions: { state, allowedFrom: ALLOWED_FROM[action] } });

/** Throws the 409 unless `action` is allowed from `state`. */
export function assertAllowed(action: OrderAction, state: OrderState): void {
  if (!ALLOWED_FROM[action].includes(state)) throw illegalTransition(action, state);
}
