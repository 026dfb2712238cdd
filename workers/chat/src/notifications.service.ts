import { z } from "@hono/zod-openapi";
import { asc, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { notifications } from "./schema";

export const notificationSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    roomId: z.string(),
    messageId: z.string(),
    senderId: z.string(),
    body: z.string().openapi({ description: "The JSON payload (also what Web Push sends): roomId, messageId, seq, senderId, text" }),
    pushed: z.boolean().openapi({ description: "Delivered to at least one Web Push subscription" }),
    createdAt: z.iso.datetime(),
  })
  .openapi("Notification");
export type Notification = z.infer<typeof notificationSchema>;

/** Recorded notifications, newest first: of one user, or (dev outbox) of everyone. */
export async function listNotifications(db: D1Database, userId: string | null, limit = 200): Promise<Notification[]> {
  const rows = await drizzle(db)
    .select()
    .from(notifications)
    .where(userId === null ? undefined : eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), asc(notifications.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    roomId: r.roomId,
    messageId: r.messageId,
    senderId: r.senderId,
    body: r.body,
    pushed: r.pushed === 1,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}
