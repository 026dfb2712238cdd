import { decodeCursor, encodeCursor, invalidCursor, iso, toPage } from "@edgeworks/http";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { ServiceDeps } from "./deps";
import { type NotificationRow, notifications } from "./schema";
import type { ListNotificationsQuery, Notification } from "./validation";

const SCOPE = "notifications:createdAt:desc";

/** The API shape of a stored row. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    orderId: row.orderId,
    channel: row.channel as Notification["channel"],
    template: row.template as Notification["template"],
    status: row.status as Notification["status"],
    reason: row.reason as Notification["reason"],
    recipient: row.recipient,
    createdAt: iso(row.createdAt),
  };
}

/** One page of the caller's notifications, newest first (keyset on (created_at, id); one indexed query). */
export async function listNotifications(
  { db, userId }: ServiceDeps,
  query: ListNotificationsQuery,
): Promise<{ items: Notification[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(SCOPE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${notifications.createdAt}, ${notifications.id}) < (${createdAt}, ${id})`;
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), after))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(SCOPE, [last.createdAt, last.id]));
  return { items: page.items.map(toNotification), nextCursor: page.nextCursor };
}
