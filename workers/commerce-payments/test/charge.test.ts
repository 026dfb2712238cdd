import { env } from "cloudflare:test";
import { paymentsRpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import {
  chargeInput,
  eventsOf,
  intentsCreated,
  newOrderId,
  newUser,
  paymentRow,
  rpc,
  rpcCtx,
  stripe,
  stripeFake,
  typesOf,
  webhooks,
} from "./helpers";

describe("charge (RPC)", () => {
  it("charges a card once: succeeded, payment.succeeded (parsed with the contract) to orders", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const answer = await rpc("charge", chargeInput(orderId, user.id));
    expect(paymentsRpc.charge.output.parse(answer)).toEqual({ paymentId: expect.stringMatching(/^pay_/), status: "succeeded" });
    const events = await eventsOf(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]?.topics).toEqual(["orders"]);
    expect(events[0]?.event).toMatchObject({
      type: "payment.succeeded",
      correlationId: orderId,
      producer: "payments",
      payload: { orderId, paymentId: answer.paymentId, amount: 2500, currency: "usd", paymentIntentId: expect.stringMatching(/^pi_/) },
    });
    const row = await paymentRow(orderId);
    expect(row).toMatchObject({ status: "succeeded", amount: 2500, amount_refunded: 0, order_cancelled: 0 });
    const pi = await stripe.paymentIntents.retrieve(String(row?.payment_intent_id));
    expect(pi).toMatchObject({ status: "succeeded", amount: 2500, currency: "usd", metadata: { orderId, paymentId: answer.paymentId } });
  });

  it("the same order charged twice (and concurrently) makes ONE PaymentIntent and one event", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const [a, b] = await Promise.all([rpc("charge", chargeInput(orderId, user.id)), rpc("charge", chargeInput(orderId, user.id))]);
    const c = await rpc("charge", chargeInput(orderId, user.id));
    expect(a.paymentId).toBe(b.paymentId);
    expect(c).toEqual({ paymentId: a.paymentId, status: "succeeded" });
    expect(await intentsCreated(orderId)).toBe(1);
    expect(await typesOf(orderId)).toEqual(["payment.succeeded"]);
  });

  it("a declined card: failed with the decline code, payment.failed, no money taken", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const answer = await rpc("charge", chargeInput(orderId, user.id, "pm_card_chargeDeclined"));
    expect(paymentsRpc.charge.output.parse(answer)).toEqual({ paymentId: expect.any(String), status: "failed" });
    const [failed, ...more] = await eventsOf(orderId);
    expect(more).toEqual([]);
    expect(failed?.event).toMatchObject({
      type: "payment.failed",
      payload: {
        orderId,
        paymentId: answer.paymentId,
        code: expect.stringMatching(/^generic_decline/),
        paymentIntentId: expect.stringMatching(/^pi_/),
      },
    });
    expect(await paymentRow(orderId)).toMatchObject({ status: "failed", failure_code: expect.stringMatching(/^generic_decline/) });
    // a retry answers the same, without a second intent or event
    expect(await rpc("charge", chargeInput(orderId, user.id, "pm_card_chargeDeclined"))).toEqual(answer);
    expect(await intentsCreated(orderId)).toBe(1);
    expect(await typesOf(orderId)).toEqual(["payment.failed"]);
  });

  it("an unknown payment method is a failed payment (payment.failed, no intent id), not an error", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const answer = await rpc("charge", chargeInput(orderId, user.id, "pm_does_not_exist"));
    expect(answer.status).toBe("failed");
    const [failed] = await eventsOf(orderId);
    expect(failed?.event).toMatchObject({ type: "payment.failed", payload: { paymentIntentId: null } });
  });

  it("3-D Secure: processing until authenticated, then the webhook AND the RPC settle it to ONE payment.succeeded", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    const sagaCtx = rpcCtx(orderId);
    const first = await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"), sagaCtx);
    expect(first.status).toBe("processing");
    expect(await typesOf(orderId)).toEqual([]);
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    expect((await stripe.paymentIntents.retrieve(piId)).status).toBe("requires_action");

    await stripeFake.authenticate(piId, "succeed");
    // both paths at once: the webhook (delivered twice) and a retried charge
    const [hooks, again] = await Promise.all([
      webhooks(piId, { duplicate: true }),
      rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required")),
    ]);
    expect(hooks.responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
    expect(again).toEqual({ paymentId: first.paymentId, status: "succeeded" });
    const [succeeded, ...more] = await eventsOf(orderId);
    expect(more).toEqual([]);
    // whichever path won, the event carries the saga's request (the first charge's), for logs across services
    expect(succeeded?.event).toMatchObject({
      type: "payment.succeeded",
      requestId: sagaCtx.requestId,
      causationId: `req:${sagaCtx.requestId}`,
    });
    expect(await paymentRow(orderId)).toMatchObject({ status: "succeeded", payment_intent_id: piId });
    expect(await intentsCreated(orderId)).toBe(1);
  });

  it("3-D Secure failed: payment.failed once", async () => {
    const user = await newUser();
    const orderId = newOrderId();
    await rpc("charge", chargeInput(orderId, user.id, "pm_card_threeDSecure2Required"));
    const piId = String((await paymentRow(orderId))?.payment_intent_id);
    await stripeFake.authenticate(piId, "fail");
    await webhooks(piId, { duplicate: true });
    expect(await typesOf(orderId)).toEqual(["payment.failed"]);
    expect((await paymentRow(orderId))?.status).toBe("failed");
  });

  it("refuses bad input and a bad context (TypeError), writing nothing", async () => {
    const orderId = newOrderId();
    await expect(rpc("charge", { ...chargeInput(orderId, "user_x"), amount: 10 })).rejects.toThrow(/invalid RPC input: amount/);
    await expect(rpc("charge", { ...chargeInput(orderId, "user_x"), currency: "USD" })).rejects.toThrow(/currency/);
    await expect(rpc("charge", chargeInput("../etc", "user_x"))).rejects.toThrow(/orderId/);
    await expect(rpc("charge", chargeInput(orderId, "user_x"), { requestId: "" })).rejects.toThrow(/invalid RPC context/);
    expect(await paymentRow(orderId)).toBeNull();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM payments WHERE order_id = '../etc'").first("n")).toBe(0);
  });
});
