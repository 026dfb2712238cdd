// The dev-only window on the fake SMS provider: what it "delivered" (sms_messages), newest first. Only when
// DEV_MODE is "true" (pnpm dev); otherwise the same answer as any unknown route. Not in the OpenAPI document:
// it does not exist in production.
import { iso } from "@edgeworks/http";
import type { PublicEnv } from "@edgeworks/product";
import { desc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { smsMessages } from "../schema";

export const devSmsRouter = new Hono<PublicEnv<Env>>().get("/dev/sms", async (c, next) => {
  if (c.env.DEV_MODE !== "true") return next();
  const limit = Math.min(Math.max(Number.parseInt(c.req.query("limit") ?? "50", 10) || 50, 1), 200);
  const rows = await drizzle(c.env.DB).select().from(smsMessages).orderBy(desc(smsMessages.createdAt), desc(smsMessages.id)).limit(limit);
  return c.json({
    items: rows.map((r) => ({ id: r.id, to: r.to, body: r.body, notificationId: r.notificationId, createdAt: iso(r.createdAt) })),
  });
});
