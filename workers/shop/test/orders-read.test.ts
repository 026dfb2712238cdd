import { env } from "cloudflare:test";
import type { TestUser } from "@edgeworks/testing";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { beforeAll, describe, expect, it } from "vitest";
import { type OrderState, orders } from "../src/orders/schema";
import { call, newAdmin, newUser } from "./helpers";

// Reading orders: the customer's history (own only, newest first, keyset pages) and the admin's list by state.

const db = drizzle(env.DB);
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
const aliceOrders: string[] = [];

async function seed(userId: string, state: OrderState, createdAt: number): Promise<string> {
  const id = nanoid();
  await db.insert(orders).values({
    id,
    number: 700_000 + Math.floor(Math.random() * 1e8),
    userId,
    state,
    currency: "EUR",
    subtotal: 1000,
    total: 1000,
    country: "DE",
    shippingMethod: "express",
    createdAt,
    updatedAt: createdAt,
  });
  return id;
}

interface Page {
  items: { id: string; state: string; createdAt: string }[];
  nextCursor: string | null;
}

describe("GET /orders and /admin/orders", () => {
  beforeAll(async () => {
    [alice, bob, admin] = await Promise.all([newUser(), newUser(), newAdmin()]);
    const t = Date.parse("2030-06-01T00:00:00Z");
    for (let i = 0; i < 5; i++) aliceOrders.push(await seed(alice.id, i % 2 === 0 ? "paid" : "pending_payment", t + i * 1000));
    // two orders at the same instant: the id breaks the tie
    aliceOrders.push(await seed(alice.id, "delivered", t + 4000));
    await seed(bob.id, "paid", t + 10_000);
  });

  it("lists only the caller's orders, newest first, across keyset pages without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, alice.token);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set(aliceOrders));
    const times = await Promise.all(
      seen.map(async (id) => ((await (await call("GET", `/orders/${id}`, alice.token)).json()) as { createdAt: string }).createdAt),
    );
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("another customer sees none of them", async () => {
    const page = (await (await call("GET", "/orders", bob.token)).json()) as Page;
    expect(page.items.every((o) => !aliceOrders.includes(o.id))).toBe(true);
    expect(page.items).toHaveLength(1);
  });

  it("the admin list filters by state and sees every customer's orders", async () => {
    const res = await call("GET", "/admin/orders?state=delivered&limit=100", admin.token);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.items.every((o) => o.state === "delivered")).toBe(true);
    expect(page.items.map((o) => o.id)).toContain(aliceOrders[5]);
    const all = (await (await call("GET", "/admin/orders?limit=100", admin.token)).json()) as Page;
    expect(all.items.map((o) => o.id)).toEqual(expect.arrayContaining(aliceOrders));
    // an admin may read any single order
    expect((await call("GET", `/orders/${aliceOrders[0]}`, admin.token)).status).toBe(200);
  });

  it("422 for a limit out of range or a cursor of another list", async () => {
    expect((await call("GET", "/orders?limit=0", alice.token)).status).toBe(422);
    expect((await call("GET", "/orders?limit=101", alice.token)).status).toBe(422);
    expect((await call("GET", "/orders?cursor=WyJvdGhlciIsMSwiYSJd", alice.token)).status).toBe(422);
  });

  it("401 without a token; 403 for a customer on the admin list", async () => {
    expect((await call("GET", "/orders")).status).toBe(401);
    expect((await call("GET", "/admin/orders", alice.token)).status).toBe(403);
  });
});
