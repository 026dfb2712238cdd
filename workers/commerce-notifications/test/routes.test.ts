import { createExecutionContext, env } from "cloudflare:test";
import { newTestUser } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, BASE, call, confirmed, contactOf, deliver, envWith, newOrderId, newUser, ORIGIN, usersWith } from "./helpers";

type Notification = {
  id: string;
  orderId: string;
  channel: string;
  template: string;
  status: string;
  reason: string | null;
  recipient: string | null;
  createdAt: string;
};
type Page = { items: Notification[]; nextCursor: string | null };

/** Gives the user `orders` confirmed orders (two notifications each: email sent, SMS skipped). */
async function withNotices(userId: string, orders: number): Promise<string[]> {
  const ids: string[] = [];
  const users = usersWith({ [userId]: contactOf(userId, { notifyBySms: false }) });
  for (let i = 0; i < orders; i++) {
    const orderId = newOrderId();
    ids.push(orderId);
    await deliver([confirmed(orderId, userId)], envWith({ USERS: users }));
  }
  return ids;
}

async function listAll(token: string): Promise<Notification[]> {
  const out: Notification[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await api.ok(call("GET", `/notifications?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe("GET /commerce/v1/notifications", () => {
  it("lists the caller's notifications, newest first, paged by cursor, each once", async () => {
    const user = await newUser();
    const orders = await withNotices(user.id, 3);
    const first: Page = await api.ok(call("GET", "/notifications?limit=2", user.token));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await listAll(user.token);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((n) => n.id)).size).toBe(6);
    const times = all.map((n) => n.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(Object.keys(all[0] ?? {}).sort()).toEqual([
      "channel",
      "createdAt",
      "id",
      "orderId",
      "reason",
      "recipient",
      "status",
      "template",
    ]);
    expect(all[0]).toMatchObject({ id: expect.stringMatching(/^ntf_/), orderId: orders[2], template: "receipt" });
    const forFirst = all.filter((n) => n.orderId === orders[0]).sort((a, b) => a.channel.localeCompare(b.channel));
    expect(forFirst.map((n) => [n.channel, n.status, n.reason, n.recipient])).toEqual([
      ["email", "sent", null, `${user.id}@example.com`],
      ["sms", "skipped", "opted_out", null],
    ]);
  });

  it("keeps users apart: another user's notifications are invisible", async () => {
    const owner = await newUser();
    await withNotices(owner.id, 1);
    const stranger = await newUser();
    expect(await listAll(stranger.token)).toEqual([]);
    expect(await listAll(owner.token)).toHaveLength(2);
  });

  it("401 without a token, 403 without commerce:read, 422 for a bad limit or cursor, 404 for an unknown path", async () => {
    await api.problem(call("GET", "/notifications"), 401, "unauthorized");
    const wrong = await newTestUser("profile", "usr_");
    await api.problem(call("GET", "/notifications", wrong.token), 403, "forbidden");
    const user = await newUser();
    await api.problem(call("GET", "/notifications?limit=0", user.token), 422, "validation_failed", ["limit"]);
    await api.problem(call("GET", "/notifications?limit=101", user.token), 422, "validation_failed", ["limit"]);
    await api.problem(call("GET", "/notifications?cursor=not-a-cursor", user.token), 422, "validation_failed", ["cursor"]);
    await api.problem(call("GET", "/nothing-here", user.token), 404, "not_found");
    // a write method on a read-only resource
    await api.problem(call("POST", "/notifications", user.token, { x: 1 }), 404, "not_found");
  });

  it("a query that is not valid percent-encoding is a problem, never a 500", async () => {
    const user = await newUser();
    const res = await worker.fetch(
      new Request(`${BASE}/notifications?limit=%E0%A4%A`, { headers: { Authorization: `Bearer ${user.token}` } }),
      env,
      createExecutionContext(),
    );
    await api.problem(res, 422, "validation_failed", ["limit"]);
  });
});

describe("GET /commerce/v1/dev/sms", () => {
  const get = (devMode: string) =>
    worker.fetch(new Request(`${BASE}/dev/sms?limit=200`), { ...env, DEV_MODE: devMode }, createExecutionContext());

  it("lists what the fake SMS provider received under DEV_MODE only", async () => {
    const { id: userId } = await newUser();
    const orderId = newOrderId();
    await deliver([confirmed(orderId, userId)], envWith({ USERS: usersWith({ [userId]: contactOf(userId) }) }));
    const res = await get("true");
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; to: string; body: string; createdAt: string }[] };
    expect(items.find((s) => s.id === `commerce-receipt-${orderId}`)).toEqual({
      id: `commerce-receipt-${orderId}`,
      to: "+14155550100",
      body: `Edgeworks: order ${orderId} is confirmed, $25.00 paid. Thank you!`,
      notificationId: expect.stringMatching(/^ntf_/),
      createdAt: expect.any(String),
    });
  });

  it('is not there when DEV_MODE is not "true" (the guard answers as for any unknown /v1 path)', async () => {
    const res = await get("false");
    expect(res.status).toBe(401);
    const user = await newUser();
    const withToken = await worker.fetch(
      new Request(`${BASE}/dev/sms`, { headers: { Authorization: `Bearer ${user.token}` } }),
      { ...env, DEV_MODE: "false" },
      createExecutionContext(),
    );
    await api.problem(withToken, 404, "not_found");
    expect(ORIGIN).toContain("commerce-notifications");
  });
});
