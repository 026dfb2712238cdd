// With the users service running beside this one (vitest.config.ts `mesh: ["commerce-users"]`): the real
// USERS binding, its getContact over RPC (parsed with the contract on this side), and the real events queue.
import { env } from "cloudflare:test";
import { usersRpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import { confirmed, deliver, newOrderId, newUser, noticesOf, rows } from "./helpers";

async function savePreferences(userId: string, phone: string | null, sms: boolean) {
  const now = Date.now();
  await env.MESH_DB_COMMERCE_USERS.prepare(
    "INSERT INTO profiles (user_id, display_name, phone, notify_by_email, notify_by_sms, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
  )
    .bind(userId, "Grace", phone, sms ? 1 : 0, now, now)
    .run();
}

describe("with the users service", () => {
  it("its getContact answer parses with the contract (the caller's side of the users contract)", async () => {
    const { id: userId } = await newUser();
    const stub = env.USERS as unknown as { getContact(ctx: unknown, input: unknown): Promise<unknown> };
    const contact = usersRpc.getContact.output.parse(await stub.getContact({ requestId: "req_mesh" }, { userId }));
    expect(contact).toMatchObject({
      userId,
      email: `${userId}@users.test`,
      phone: null,
      notifyByEmail: true,
      notifyBySms: false,
    });
  });

  it("defaults: the receipt by email only; with a phone and SMS opted in, by SMS too", async () => {
    const { id: userId } = await newUser();
    const first = newOrderId();
    const result = await deliver([confirmed(first, userId)]);
    expect(result.retryMessages).toEqual([]);
    expect((await noticesOf(first)).map((n) => [n.channel, n.status, n.reason, n.recipient])).toEqual([
      ["email", "sent", null, `${userId}@users.test`],
      ["sms", "skipped", "opted_out", null],
    ]);

    await savePreferences(userId, "+14155550123", true);
    const second = newOrderId();
    await deliver([confirmed(second, userId)]);
    expect((await noticesOf(second)).map((n) => [n.channel, n.status, n.recipient])).toEqual([
      ["email", "sent", `${userId}@users.test`],
      ["sms", "sent", "+14155550123"],
    ]);
    const [mail] = await rows("SELECT body FROM queue_outbox WHERE id = ?", `mail:commerce-receipt/${second}`);
    expect(JSON.parse(String(mail?.body)).text).toContain("Hello Grace,");
  });

  it("an event sent on the real queue is consumed by this Worker's queue handler (Miniflare delivers it)", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    await env.EVENTS_QUEUE.send(confirmed(orderId, userId), { contentType: "json" });
    await vi.waitFor(async () => expect(await noticesOf(orderId)).toHaveLength(2), { timeout: 10_000, interval: 200 });
    await vi.waitFor(
      async () => expect(await rows("SELECT * FROM queue_outbox WHERE topic = 'orders' AND body LIKE ?", `%${orderId}%`)).toHaveLength(1),
      {
        timeout: 10_000,
      },
    );
  });
});
