import { env } from "cloudflare:test";
import { queueOutbox } from "@edgeworks/queue";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers";
import { fetchWorker } from "./orders-helpers";

// GET /shop/v1/dev/outbox: under pnpm dev (DEV_MODE "true") the receipts and refund emails in the mail
// outbox, newest first; in any other mode the route does not exist (answered like any unknown route). Asked for by H.

describe("GET /dev/outbox", () => {
  it("lists the mail outbox newest first in DEV_MODE only, without other topics; like an unknown route otherwise", async () => {
    const id = nanoid();
    const now = Date.now() + 60_000;
    await drizzle(env.DB)
      .insert(queueOutbox)
      .values([
        {
          id: `mail:shop-receipt/${id}`,
          topic: "mail",
          body: JSON.stringify({ to: "a@b.test", subject: `Receipt ${id}`, kind: "shop-receipt" }),
          createdAt: now,
        },
        { id: `shop-events:paid:${id}`, topic: "shop-events", body: "{}", createdAt: now + 1 },
      ]);
    // outside DEV_MODE: what any unknown route answers (the guarded API's 401 without a token)
    const unknown = (await fetchWorker(`${BASE}/dev/nothing-here`, {}, { DEV_MODE: "false" })).status;
    expect(unknown).not.toBe(200);
    expect((await fetchWorker(`${BASE}/dev/outbox`, {}, { DEV_MODE: "false" })).status).toBe(unknown);
    const res = await fetchWorker(`${BASE}/dev/outbox?limit=5`, {}, { DEV_MODE: "true" });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { outboxId: string; subject: string; to: string; sentAt: string | null }[] };
    expect(items[0]).toMatchObject({ outboxId: `mail:shop-receipt/${id}`, subject: `Receipt ${id}`, to: "a@b.test", sentAt: null });
    expect(items.every((i) => i.outboxId.startsWith("mail:"))).toBe(true);
    expect(items.length).toBeLessThanOrEqual(5);
  });
});
