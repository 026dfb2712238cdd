import { describe, expect, it } from "vitest";
import { fold, INITIAL_STATE, inputOf, type SagaInput, type SagaState, transition } from "../src/saga/machine";

const st = (
  status: SagaState["status"],
  paymentStatus: SagaState["paymentStatus"] = "none",
  cancelReason: SagaState["cancelReason"] = null,
): SagaState => ({
  status,
  paymentStatus,
  cancelReason,
});
const pending = st("pending");
const awaiting = st("awaiting_payment", "processing");
const confirmed = st("confirmed", "succeeded");
const cancelled = st("cancelled", "none", "out_of_stock");

describe("the saga state machine (pure)", () => {
  it("inventory.reserved: pending → awaiting_payment and a charge; later: stale", () => {
    expect(transition(pending, { type: "inventory.reserved" })).toEqual({ kind: "applied", next: awaiting, effects: [{ kind: "charge" }] });
    for (const s of [awaiting, confirmed, cancelled]) expect(transition(s, { type: "inventory.reserved" }).kind).toBe("stale");
  });

  it("inventory.rejected: pending → cancelled with its reason, order.cancelled without refund, no charge; later: stale", () => {
    expect(transition(pending, { type: "inventory.rejected", reason: "out_of_stock" })).toEqual({
      kind: "applied",
      next: st("cancelled", "none", "out_of_stock"),
      effects: [{ kind: "publish", type: "order.cancelled", reason: "out_of_stock", refund: false }],
    });
    expect(transition(pending, { type: "inventory.rejected", reason: "unknown_product" })).toMatchObject({
      next: { cancelReason: "unknown_product" },
    });
    for (const s of [awaiting, confirmed, cancelled])
      expect(transition(s, { type: "inventory.rejected", reason: "out_of_stock" }).kind).toBe("stale");
  });

  it("payment.succeeded: early while pending, awaiting → confirmed + order.confirmed, stale once confirmed or cancelled", () => {
    expect(transition(pending, { type: "payment.succeeded" })).toEqual({ kind: "early", reason: "stock not reserved yet" });
    expect(transition(awaiting, { type: "payment.succeeded" })).toEqual({
      kind: "applied",
      next: confirmed,
      effects: [{ kind: "publish", type: "order.confirmed" }],
    });
    expect(transition(confirmed, { type: "payment.succeeded" }).kind).toBe("stale");
    expect(transition(cancelled, { type: "payment.succeeded" }).kind).toBe("stale");
  });

  it("payment.failed: early while pending, awaiting → cancelled(payment_failed) + order.cancelled, stale later", () => {
    expect(transition(pending, { type: "payment.failed" }).kind).toBe("early");
    expect(transition(awaiting, { type: "payment.failed" })).toEqual({
      kind: "applied",
      next: st("cancelled", "failed", "payment_failed"),
      effects: [{ kind: "publish", type: "order.cancelled", reason: "payment_failed", refund: false }],
    });
    expect(transition(confirmed, { type: "payment.failed" }).kind).toBe("stale");
    expect(transition(cancelled, { type: "payment.failed" }).kind).toBe("stale");
  });

  it("payment.timeout: pending or awaiting → cancelled(payment_timeout) + order.cancelled; stale once settled", () => {
    for (const s of [pending, awaiting])
      expect(transition(s, { type: "payment.timeout" })).toEqual({
        kind: "applied",
        next: { status: "cancelled", paymentStatus: "none", cancelReason: "payment_timeout" },
        effects: [{ kind: "publish", type: "order.cancelled", reason: "payment_timeout", refund: false }],
      });
    expect(transition(confirmed, { type: "payment.timeout" }).kind).toBe("stale");
    expect(transition(cancelled, { type: "payment.timeout" }).kind).toBe("stale");
  });

  it("a cancel before any payment.succeeded never leaves paymentStatus processing (none); a late refund still shows", () => {
    for (const input of [{ type: "cancel.requested" }, { type: "payment.timeout" }] as const) {
      const out = transition(awaiting, input);
      expect(out).toMatchObject({ kind: "applied", next: { status: "cancelled", paymentStatus: "none" } });
      if (out.kind !== "applied") throw new Error("not applied");
      expect(transition(out.next, { type: "payment.succeeded" }).kind).toBe("stale");
      expect(transition(out.next, { type: "payment.refunded" })).toMatchObject({ kind: "applied", next: { paymentStatus: "refunded" } });
    }
    expect(
      fold([
        { id: "e1", type: "inventory.reserved", payload: null },
        { id: "s1", type: "cancel.requested", payload: null },
      ]).state,
    ).toEqual({ status: "cancelled", paymentStatus: "none", cancelReason: "customer_request" });
  });

  it("cancel.requested: no refund before payment, a refund after it, stale when already cancelled", () => {
    expect(transition(awaiting, { type: "cancel.requested" })).toMatchObject({
      kind: "applied",
      next: { status: "cancelled", cancelReason: "customer_request" },
      effects: [{ kind: "publish", type: "order.cancelled", reason: "customer_request", refund: false }],
    });
    expect(transition(pending, { type: "cancel.requested" })).toMatchObject({ kind: "applied", next: { status: "cancelled" } });
    expect(transition(confirmed, { type: "cancel.requested" })).toEqual({
      kind: "applied",
      next: st("cancelled", "succeeded", "customer_request"),
      effects: [{ kind: "publish", type: "order.cancelled", reason: "customer_request", refund: true }],
    });
    expect(transition(cancelled, { type: "cancel.requested" })).toEqual({ kind: "stale", reason: "order is already cancelled" });
  });

  it("payment.refunded sets the payment status once; inventory.released and notification.sent are recorded without a change", () => {
    const refundedFrom = st("cancelled", "succeeded", "customer_request");
    expect(transition(refundedFrom, { type: "payment.refunded" })).toEqual({
      kind: "applied",
      next: { ...refundedFrom, paymentStatus: "refunded" },
      effects: [],
    });
    expect(transition({ ...refundedFrom, paymentStatus: "refunded" }, { type: "payment.refunded" }).kind).toBe("stale");
    for (const type of ["inventory.released", "notification.sent"] as const)
      for (const s of [pending, awaiting, confirmed, cancelled])
        expect(transition(s, { type })).toEqual({ kind: "applied", next: s, effects: [] });
  });

  it("is pure: the same input on the same state gives the same answer and never mutates the state", () => {
    const s = Object.freeze({ ...awaiting });
    const input: SagaInput = { type: "payment.succeeded" };
    expect(transition(s, input)).toEqual(transition(s, input));
    expect(s).toEqual(awaiting);
  });

  it("folds stored inputs: the happy path, a duplicate and a late event, and ignores unknown types", () => {
    const { state, steps } = fold([
      { id: "e1", type: "inventory.reserved", payload: {} },
      { id: "e2", type: "inventory.reserved", payload: {} },
      { id: "e3", type: "payment.succeeded", payload: {} },
      { id: "x", type: "order.confirmed", payload: {} },
      { id: "e4", type: "payment.timeout", payload: {} },
      { id: "e5", type: "notification.sent", payload: {} },
    ]);
    expect(state).toEqual(confirmed);
    expect(steps.map((s) => [s.eventId, s.outcome, s.from.status, s.to.status])).toEqual([
      ["e1", "applied", "pending", "awaiting_payment"],
      ["e2", "stale", "awaiting_payment", "awaiting_payment"],
      ["e3", "applied", "awaiting_payment", "confirmed"],
      ["e4", "stale", "confirmed", "confirmed"],
      ["e5", "applied", "confirmed", "confirmed"],
    ]);
    expect(fold([]).state).toEqual(INITIAL_STATE);
    expect(inputOf("inventory.rejected", { reason: "unknown_product" })).toEqual({ type: "inventory.rejected", reason: "unknown_product" });
    expect(inputOf("order.created", {})).toBeNull();
  });
});
