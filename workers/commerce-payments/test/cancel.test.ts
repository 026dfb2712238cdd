import { commerceEvent, newEvent } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import {
  cancelled,
  chargeInput,
  deliver,
  eventsOf,
  intentsCreated,
  newOrderId,
  newUser,
  paymentRow,
  rpc,
  stripe,
  stripeFake,
  typesOf,
  webhooks,
} from "./helpers";

// The hard rule: no charge is ever left behind for a cancelled order.
describe("order.cancelled (consumed) — no charge left behind", () => {
  it("the consumed event is the contract's (built with newEvent, parsed with commerceEvent)", () => {
    const event = cancelled(newOrderId(), "user_x", true);
    expect(commerceEvent.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(() => newEvent("order.cancelled", { ...event.payload, amount: -1 })).toThrow();
  });

  it("before any charge: recorded, the late charge is refused (canceled, no PaymentIntent, no event)", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const result = await deliver([cancelled(orderId, user.id, false)]);
    expect(result.retryMessages).toEqual([]);
    expect(await paymentRow(orderId)).toMatchObject({ status: "canceled", order_cancelled: 1, payment_intent_id: null });
    const answer = await rpc("charge", chargeInput(orderId, user.id));
    expect(answer.status).toBe("canceled");
    expect(await intentsCreated(orderId)).toBe(0);
    expect(await typesOf(orderId)).toEqual([]);
    const view = await rpc("getPayment", { orderId, userId: user.id });
    expect(view).toMatchObject({ status: "canceled", paymentIntentId: null, amountRefunded: 0 });
  });

  it("during processing (3-D Secure pending): the PaymentIntent is canceled, authentication afterwards takes nothing", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await deliver([cancelled(orderId, user.id, false)]);
    expect(await paymentRow(orderId)).toMatchObject({ status: "canceled", order_cancelled: 1 });
    expect((await stripe.paymentIntents.retrieve(piId)).status).toBe("canceled");
    await expect(stripeFake.authenticate(piId, "succeed")).rejects.toThrow();
    await webhooks(piId, { duplicate: true });
    expect((await paymentRow(orderId))?.status).toBe("canceled");
    expect(await typesOf(orderId)).toEqual([]);
    // a retried charge for it is refused too
    expect((await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"))).status).toBe("canceled");
    expect(await intentsCreated(orderId)).toBe(1);
  });

  it("a PaymentIntent that succeeded (3-D Secure done) when order.cancelled arrives is refunded at once: one payment.refunded, no payment.succeeded", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "succeed"); // Stripe took the money; its webhook has not arrived yet
    await deliver([cancelled(orderId, user.id, false)]);
    await webhooks(piId, { duplicate: true, order: "reverse" }); // late, twice, out of order
    expect(await paymentRow(orderId)).toMatchObject({ status: "refunded", amount_refunded: 2500 });
    expect(await typesOf(orderId)).toEqual(["payment.refunded"]);
    const refunds = await stripe.refunds.list({ payment_intent: piId });
    expect(refunds.data.map((r) => r.amount)).toEqual([2500]);
  });

  it("after success with refund: true: refunded once (Stripe refund, payment.refunded to orders and notifications); twice is once", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const { paymentId } = await rpc("charge", chargeInput(orderId, user.id));
    const event = cancelled(orderId, user.id, true);
    await deliver([event]);
    await deliver([event]); // the same event redelivered
    await deliver([cancelled(orderId, user.id, true)]); // a second cancellation (another event id)
    expect(await paymentRow(orderId)).toMatchObject({ status: "refunded", amount_refunded: 2500, order_cancelled: 1 });
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.event.type)).toEqual(["payment.succeeded", "payment.refunded"]);
    const refunded = events[1];
    expect(refunded?.topics.sort()).toEqual(["notifications", "orders"]);
    expect(refunded?.event).toMatchObject({
      causationId: event.id,
      requestId: event.requestId,
      payload: { orderId, paymentId, amount: 2500, currency: "usd", refundId: expect.stringMatching(/^re_/) },
    });
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    expect((await stripe.refunds.list({ payment_intent: piId })).data).toHaveLength(1);
    // Stripe's charge.refunded webhook for our own refund changes nothing
    await webhooks(piId);
    expect(await typesOf(orderId)).toEqual(["payment.succeeded", "payment.refunded"]);
    const view = await rpc("getPayment", { orderId, userId: null });
    expect(view).toMatchObject({ status: "refunded", amount: 2500, amountRefunded: 2500 });
  });

  it("after a decline: nothing to refund, nothing changes", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_chargeDeclined"));
    await deliver([cancelled(orderId, user.id, false)]);
    expect(await paymentRow(orderId)).toMatchObject({ status: "failed", order_cancelled: 1 });
    expect(await typesOf(orderId)).toEqual(["payment.failed"]);
  });
});
