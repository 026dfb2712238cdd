import { z } from "@hono/zod-openapi";

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
  const { results } = await db
    .prepare("SELECT * FROM notifications WHERE (?1 IS NULL OR user_id = ?1) ORDER BY created_at DESC, id LIMIT ?2")
    .bind(userId, limit)
    .all<Record<string, string | number>>();
  return results.map((r) => ({
    id: String(r.id),
    userId: String(r.user_id),
    roomId: String(r.room_id),
    messageId: String(r.message_id),
    senderId: String(r.sender_id),
    body: String(r.body),
    pushed: r.pushed === 1,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
}
