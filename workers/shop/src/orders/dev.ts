// The shop's dev-only window on its emails: receipts and refund emails are written into the mail outbox
// (packages/mail) by the events consumer; under pnpm dev nothing sends them, so this lists them.
import { MAIL_TOPIC } from "@edgeworks/mail";
import type { PublicEnv } from "@edgeworks/product";
import { queueOutbox } from "@edgeworks/queue";
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Parses a stored mail body; a row that is not JSON shows as its raw text. */
function parsed(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { raw: body };
  } catch {
    return { raw: body };
  }
}

/**
 * `GET /shop/v1/dev/outbox?limit=` — the emails in the shop's mail outbox (receipts, refund emails), newest
 * first, with `sentAt` once the mail queue has them. Only when DEV_MODE is "true" (pnpm dev); otherwise the
 * same 404 as any unknown route. Not in the OpenAPI document: it does not exist in production.
 */
export const devOutboxRouter = new Hono<PublicEnv<Env>>().get("/dev/outbox", async (c, next) => {
  // DEV_MODE is "false" in wrangler.toml; scripts/dev.mjs writes "true" into .dev.vars
  if (c.env.DEV_MODE !== "true") return next();
  const limit = Math.min(Math.max(Number.parseInt(c.req.query("limit") ?? "50", 10) || 50, 1), 200);
  const rows = await drizzle(c.env.DB)
    .select()
    .from(queueOutbox)
    .where(eq(queueOutbox.topic, MAIL_TOPIC))
    .orderBy(desc(queueOutbox.createdAt), desc(queueOutbox.id))
    .limit(limit);
  return c.json({
    items: rows.map((r) => ({ ...parsed(r.body), outboxId: r.id, createdAt: iso(r.createdAt), sentAt: iso(r.sentAt) })),
  });
});
