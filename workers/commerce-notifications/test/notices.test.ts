import { env } from "cloudflare:test";
import { commerceEvent } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import {
  cancelled,
  confirmed,
  contactOf,
  deliver,
  envWith,
  newOrderId,
  newUser,
  noticesOf,
  outboxOf,
  refunded,
  rows,
  usersDown,
  usersWith,
} from "./helpers";

describe("notices from events", () => {
  it("order.confirmed → a receipt by email and SMS (opted in), each publishing one notification.sent", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const users = usersWith({ [userId]: contactOf(userId) });
    const event = confirmed(orderId, userId);
    const result = await deliver([event], envWith({ USERS: users }));
    expect(result.retryMessages).toEqual([]);
    expect(users.calls).toEqual([{ ctx: { requestId: "req_test", correlationId: orderId }, input: { userId } }]);

    const notices = await noticesOf(orderId);
    expect(notices.map((n) => [n.channel, n.template, n.status, n.reason, n.recipient, n.event_id])).toEqual([
      ["email", "receipt", "sent", null, `${userId}@example.com`, event.id],
      ["sms", "receipt", "sent", null, "+14155550100", event.id],
    ]);
    // the email went into packages/mail's outbox (and was drained to MAIL_QUEUE after the batch)
    const [mail] = await rows("SELECT * FROM queue_outbox WHERE id = ?", `mail:commerce-receipt/${orderId}`);
    const body = JSON.parse(String(mail?.body));
    expect(body).toMatchObject({ id: `commerce-receipt/${orderId}`, to: `${userId}@example.com`, kind: "commerce-receipt" });
    expect(body.subject).toBe(`Your receipt for order ${orderId}`);
    expect(body.text).toContain("2 × Teapot (SKU-1): $25.00");
    expect(body.text).toContain(`http://127.0.0.1:8787/commerce/v1/orders/${orderId}`);
    expect(mail?.sent_at).toEqual(expect.any(Number));
    // the SMS went through the fake provider
    const sms = await rows("SELECT * FROM sms_messages WHERE id = ?", `commerce-receipt-${orderId}`);
    expect(sms).toEqual([
      expect.objectContaining({
        to: "+14155550100",
        notification_id: notices[1]?.id,
        body: `Edgeworks: order ${orderId} is confirmed, $25.00 paid. Thank you!`,
      }),
    ]);
    // one notification.sent per channel, to orders, and each parses with the contract (producer side)
    const sent = (await outboxOf("orders", orderId)).map((r) => commerceEvent.parse(JSON.parse(String(r.body))));
    expect(sent.map((e) => [e.type, e.producer, e.correlationId, e.causationId, e.requestId]).sort()).toEqual([
      ["notification.sent", "notifications", orderId, event.id, "req_test"],
      ["notification.sent", "notifications", orderId, event.id, "req_test"],
    ]);
    const payloads = sent.map((e) => e.payload as Record<string, unknown>);
    expect(payloads.sort((a, b) => String(a.channel).localeCompare(String(b.channel)))).toEqual([
      { orderId, userId, notificationId: notices[0]?.id, channel: "email", template: "receipt" },
      { orderId, userId, notificationId: notices[1]?.id, channel: "sms", template: "receipt" },
    ]);
  });

  it("no SMS when the customer did not opt in (and no email when opted out): skipped rows say why", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    await deliver([confirmed(orderId, userId)], envWith({ USERS: usersWith({ [userId]: contactOf(userId, { notifyBySms: false }) }) }));
    expect((await noticesOf(orderId)).map((n) => [n.channel, n.status, n.reason])).toEqual([
      ["email", "sent", null],
      ["sms", "skipped", "opted_out"],
    ]);
    expect(await rows("SELECT * FROM sms_messages WHERE id = ?", `commerce-receipt-${orderId}`)).toEqual([]);
    expect(await outboxOf("sms", orderId)).toEqual([]);
    expect(await outboxOf("orders", orderId)).toHaveLength(1);

    const other = newOrderId();
    const none = contactOf(userId, { notifyByEmail: false, notifyBySms: true, phone: null });
    await deliver([confirmed(other, userId)], envWith({ USERS: usersWith({ [userId]: none }) }));
    expect((await noticesOf(other)).map((n) => [n.channel, n.status, n.reason])).toEqual([
      ["email", "skipped", "opted_out"],
      ["sms", "skipped", "no_phone"],
    ]);
    expect(await outboxOf("orders", other)).toEqual([]);
    expect(await rows("SELECT * FROM queue_outbox WHERE id = ?", `mail:commerce-receipt/${other}`)).toEqual([]);

    const unknown = newOrderId();
    await deliver([confirmed(unknown, userId)], envWith({ USERS: usersWith({}) }));
    expect((await noticesOf(unknown)).map((n) => [n.channel, n.status, n.reason])).toEqual([
      ["email", "skipped", "no_contact"],
      ["sms", "skipped", "no_contact"],
    ]);
  });

  it("the same event twice, or a twin with another id, makes one notification per channel and one notification.sent each", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const users = usersWith({ [userId]: contactOf(userId) });
    const event = confirmed(orderId, userId);
    await deliver([event], envWith({ USERS: users }));
    await deliver([event], envWith({ USERS: users }));
    await deliver([event, confirmed(orderId, userId)], envWith({ USERS: users }));
    expect(await noticesOf(orderId)).toHaveLength(2);
    expect(await outboxOf("orders", orderId)).toHaveLength(2);
    expect(await rows("SELECT * FROM sms_messages WHERE id = ?", `commerce-receipt-${orderId}`)).toHaveLength(1);
    expect(await rows("SELECT * FROM queue_outbox WHERE topic = 'mail' AND id = ?", `mail:commerce-receipt/${orderId}`)).toHaveLength(1);
    // the first delivery asked users once; the redelivery was skipped by the processed-event table, the twin by the notice check
    expect(users.calls).toHaveLength(1);
  });

  it("twins handled at the same time: the unique index lets one batch win, the other is a no-op (not a retry)", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    // every twin gets past the "already recorded?" check before any batch runs: getContact answers when all three asked
    let release: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const users = {
      async getContact() {
        if (++asked === 3) release();
        await barrier;
        return contactOf(userId);
      },
    };
    const results = await Promise.all([
      deliver([confirmed(orderId, userId)], envWith({ USERS: users })),
      deliver([confirmed(orderId, userId)], envWith({ USERS: users })),
      deliver([confirmed(orderId, userId)], envWith({ USERS: users })),
    ]);
    expect(asked).toBe(3);
    expect(results.flatMap((r) => r.retryMessages)).toEqual([]);
    expect(await noticesOf(orderId)).toHaveLength(2);
    expect(await outboxOf("orders", orderId)).toHaveLength(2);
  });

  it("users down → the event is retried with backoff and nothing is written; delivered again it is not lost", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const event = confirmed(orderId, userId);
    const down = await deliver([event], envWith({ USERS: usersDown }), undefined, 3);
    expect(down.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([down.ids[0]]);
    expect(down.explicitAcks).toEqual([]);
    expect(await noticesOf(orderId)).toEqual([]);
    expect(await rows("SELECT * FROM processed_messages WHERE message_key = ?", event.id)).toEqual([]);

    const up = await deliver([event], envWith({ USERS: usersWith({ [userId]: contactOf(userId) }) }), undefined, 4);
    expect(up.retryMessages).toEqual([]);
    expect((await noticesOf(orderId)).map((n) => n.status)).toEqual(["sent", "sent"]);
  });

  it("a users answer that drifted from the contract is refused (retried), never trusted", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const drifted = { getContact: async () => ({ userId, email: 42 }) };
    const result = await deliver([confirmed(orderId, userId)], envWith({ USERS: drifted }));
    expect(result.retryMessages).toHaveLength(1);
    expect(await noticesOf(orderId)).toEqual([]);
  });

  it("order.cancelled → a cancellation notice for every reason, also an order that was never confirmed", async () => {
    const { id: userId } = await newUser();
    const users = usersWith({ [userId]: contactOf(userId, { notifyBySms: false }) });
    for (const reason of ["out_of_stock", "unknown_product", "payment_failed", "payment_timeout", "customer_request"] as const) {
      const orderId = newOrderId();
      await deliver([cancelled(orderId, userId, { reason })], envWith({ USERS: users }));
      expect((await noticesOf(orderId)).map((n) => [n.template, n.channel, n.status])).toEqual([
        ["cancellation", "email", "sent"],
        ["cancellation", "sms", "skipped"],
      ]);
      const [mail] = await rows("SELECT body FROM queue_outbox WHERE id = ?", `mail:commerce-cancellation/${orderId}`);
      expect(JSON.parse(String(mail?.body)).text).toContain("You were not charged.");
    }
  });

  it("payment.refunded → a refund notice to the order's customer; before any notice of that order it is early and retried", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const users = usersWith({ [userId]: contactOf(userId) });
    const cancel = cancelled(orderId, userId, { reason: "customer_request", refund: true });
    const refund = refunded(orderId, cancel);
    const early = await deliver([refund], envWith({ USERS: users }));
    expect(early.retryMessages).toHaveLength(1);
    expect(await noticesOf(orderId)).toEqual([]);

    await deliver([cancel], envWith({ USERS: users }));
    const [cancelMail] = await rows("SELECT body FROM queue_outbox WHERE id = ?", `mail:commerce-cancellation/${orderId}`);
    expect(JSON.parse(String(cancelMail?.body)).text).toContain("Your payment of $25.00 will be refunded");
    const late = await deliver([refund], envWith({ USERS: users }), undefined, 2);
    expect(late.retryMessages).toEqual([]);
    const refunds = (await noticesOf(orderId)).filter((n) => n.template === "refund");
    expect(refunds.map((n) => [n.channel, n.status, n.user_id])).toEqual([
      ["email", "sent", userId],
      ["sms", "sent", userId],
    ]);
    const [mail] = await rows("SELECT body FROM queue_outbox WHERE id = ?", `mail:commerce-refund/${orderId}`);
    expect(JSON.parse(String(mail?.body))).toMatchObject({ subject: `Refund for order ${orderId}`, to: `${userId}@example.com` });
    expect(await outboxOf("orders", orderId)).toHaveLength(4);
  });

  it("logs each consumed event and its outcome to the log sink with the order as correlation id", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const entries: {
      service: string;
      msg: string;
      requestId: string | null;
      correlationId: string | null;
      fields: Record<string, unknown>;
    }[] = [];
    const logs = { sendBatch: async (batch: { body: (typeof entries)[number] }[]) => void entries.push(...batch.map((m) => m.body)) };
    const event = confirmed(orderId, userId);
    await deliver([event], envWith({ USERS: usersWith({ [userId]: contactOf(userId, { notifyBySms: false }) }), LOGS: logs }));
    const mine = entries.filter((e) => e.correlationId === orderId);
    expect(mine.map((e) => [e.service, e.msg, e.requestId])).toEqual([
      ["notifications", "event consumed", "req_test"],
      ["notifications", "notice recorded", "req_test"],
    ]);
    expect(mine[1]?.fields).toMatchObject({ eventId: event.id, template: "receipt", produced: "notification.sent" });
  });

  it("other event types on the queue are acked and ignored", async () => {
    const orderId = newOrderId();
    const { newEvent } = await import("@edgeworks/commerce-contracts");
    const reserved = newEvent("inventory.reserved", { orderId, lines: [{ productId: "prd_1", quantity: 1 }] });
    const result = await deliver([reserved], envWith({ USERS: usersDown }));
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(await noticesOf(orderId)).toEqual([]);
  });

  it("the cron drains what a failed drain left: SMS and notification.sent", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    const failing = {
      send: async () => Promise.reject(new Error("queue down")),
      sendBatch: async () => Promise.reject(new Error("queue down")),
    };
    await deliver(
      [confirmed(orderId, userId)],
      envWith({ USERS: usersWith({ [userId]: contactOf(userId) }), ORDERS_EVENTS: failing, SMS_PROVIDER: "nope" }),
    );
    expect((await outboxOf("orders", orderId)).map((r) => r.sent_at)).toEqual([null, null]);
    expect(await rows("SELECT * FROM sms_messages WHERE id = ?", `commerce-receipt-${orderId}`)).toEqual([]);
    const worker = (await import("../src/index")).default;
    await worker.scheduled({ cron: "* * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env);
    expect((await outboxOf("orders", orderId)).map((r) => typeof r.sent_at)).toEqual(["number", "number"]);
    expect(await rows("SELECT * FROM sms_messages WHERE id = ?", `commerce-receipt-${orderId}`)).toHaveLength(1);
  });
});
