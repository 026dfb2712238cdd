import { Hono } from "hono";
import { blogDb } from "../db";
import { listOutbox } from "../outbox.service";
import type { BlogEnv } from "../product";

/**
 * `GET /blog/v1/dev/outbox?limit=` — the notification emails the queue consumer wrote, newest first.
 * Only when DEV_MODE is "true" (pnpm dev, tests); otherwise the same 404 as any unknown route. Not in
 * the OpenAPI document: it does not exist in production.
 */
export const v1DevRouter = new Hono<BlogEnv>().get("/dev/outbox", async (c, next) => {
  if (c.env.DEV_MODE !== "true") return next();
  const limit = Math.min(Math.max(Number.parseInt(c.req.query("limit") ?? "50", 10) || 50, 1), 200);
  return c.json({ items: await listOutbox(blogDb(c.env.DB), limit) });
});
