import { accountsDirectory } from "@edgeworks/auth";
import { log } from "@edgeworks/http";
import { drainMail, mailOutboxInsert, publicOrigin } from "@edgeworks/mail";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { presenceStub } from "../deps";
import { notifications, roomMembers, rooms } from "../schema";
import { mailableUsers } from "./email-settings";
import { openEmailWindows } from "./email-throttle";
import { notificationEmail } from "./notify-email";
import {
  chunks,
  eachLimited,
  NOTIFY_CONSUMER,
  PUSH_BACKOFF,
  type PushRetry,
  pushKey,
  pushRetry,
  pushToMembers,
  retryPush,
} from "./push-fanout";

/** A new message, sent by its room with the users who had a socket open in it at the time. */
export const notifyMessage = z.object({
  roomId: z.string().min(1),
  messageId: z.string().min(1),
  seq: z.number().int(),
  senderId: z.string(),
  text: z.string(),
  connected: z.array(z.string()),
  createdAt: z.number().int(),
});
export type NotifyMessage = z.infer<typeof notifyMessage>;

/** The room's members who are offline everywhere (not connected to the room, and their presence object says so). */
async function offlineMembers(env: Env, m: NotifyMessage): Promise<string[]> {
  const connected = new Set([m.senderId, ...m.connected]);
  const members = await drizzle(env.DB).select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, m.roomId));
  const candidates = members.map((r) => r.userId).filter((id) => !connected.has(id));
  const online = await eachLimited(candidates, 20, async (userId) => (await presenceStub(env, userId).status()).online);
  return candidates.filter((_, i) => !online[i]);
}

/** The origin of email links, or null (logged) when it is not configured: notifications and pushes go on without emails. */
function emailOrigin(env: Env): string | null {
  try {
    return publicOrigin(env);
  } catch (err) {
    log(env.LOG_LEVEL, "error", "notification emails skipped: PUBLIC_ORIGIN is not set", { error: String(err) });
    return null;
  }
}

/**
 * The notification emails of one message: for each offline member whose address is verified, whose chat
 * emails are on, and whose 15-minute window for this room this message opens (email-throttle.ts). Empty
 * when PUBLIC_ORIGIN is not configured.
 */
async function notificationEmails(env: Env, m: NotifyMessage, offline: string[], now: number) {
  if (emailOrigin(env) === null) return [];
  const db = drizzle(env.DB);
  const users = new Map((await accountsDirectory(env).getUsers([...offline, m.senderId])).map((u) => [u.id, u]));
  // only a proven address: anyone can register an account with someone else's address and join a room
  const verified = offline.filter((id) => users.get(id)?.emailVerified === true);
  const tokens = await mailableUsers(db, verified, now);
  const opened = await openEmailWindows(db, m, [...tokens.keys()]);
  if (opened.size === 0) return [];
  const [room] = await db.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, m.roomId));
  const facts = {
    roomId: m.roomId,
    messageId: m.messageId,
    text: m.text,
    roomName: room?.name ?? null,
    senderName: users.get(m.senderId)?.name ?? "",
  };
  return [...opened].flatMap((userId) => {
    const user = users.get(userId);
    const token = tokens.get(userId);
    return user && token ? [mailOutboxInsert(db, notificationEmail(env, facts, user, token), now)] : [];
  });
}

/**
 * One `db.batch`: a notification row per offline member (id `messageId:userId`, the dev outbox and
 * `GET /notifications`) and the notification emails (see {@link notificationEmails}) in the
 * transactional outbox. Both are idempotent (ON CONFLICT on their ids), so a redelivery writes nothing twice.
 */
async function recordNotifications(env: Env, m: NotifyMessage, offline: string[], body: string): Promise<void> {
  const db = drizzle(env.DB);
  const now = Date.now();
  const rows = offline.map((userId) => ({
    id: `${m.messageId}:${userId}`,
    userId,
    roomId: m.roomId,
    messageId: m.messageId,
    senderId: m.senderId,
    body,
    createdAt: now,
  }));
  const notes = chunks(rows, 10).map((part) => db.insert(notifications).values(part).onConflictDoNothing({ target: notifications.id }));
  const emails = await notificationEmails(env, m, offline, now);
  const [first, ...rest] = [...notes, ...emails];
  if (first) await db.batch([first, ...rest]);
}

/**
 * Notifies the room's members who are offline everywhere: a notification each (and an email to those
 * with a verified address and emails on, one per room per 15 minutes, drained to the mail service), and
 * Web Push to each of their subscriptions, every endpoint on its own (push-fanout.ts).
 */
async function notify(env: Env, m: NotifyMessage): Promise<void> {
  const offline = await offlineMembers(env, m);
  if (offline.length === 0) return;
  const body = JSON.stringify({ roomId: m.roomId, messageId: m.messageId, seq: m.seq, senderId: m.senderId, text: m.text });
  await recordNotifications(env, m, offline, body);
  await pushToMembers(env, m.messageId, offline, body);
  // throws if the mail queue refuses: the message is retried, and rows and pushes already done are not redone
  await drainMail(env);
}

/**
 * The Queue consumer of notifications, each message on its own: a room message (the recipients,
 * recorded once per chat message id in `processed_messages`) or one `push` retry (recorded once per
 * notification and subscription). A failed push never retries the room message, only itself.
 */
export const consumeNotify = defineConsumer<Env, NotifyMessage | PushRetry>({
  name: NOTIFY_CONSUMER,
  schema: z.union([pushRetry, notifyMessage]),
  backoff: PUSH_BACKOFF,
  idempotency: { db: (env) => env.DB, key: (m) => ("kind" in m ? pushKey(m.notificationId, m.subscriptionId) : m.messageId) },
  handle: (body, { env }) => ("kind" in body ? retryPush(env, body) : notify(env, body)),
});
