import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../deps";
import { emailWindows } from "./email-tables";
import { chunks } from "./push-fanout";

// At most one notification email per (recipient, room) per 15 minutes. A message whose email goes out
// opens a window (`email_windows`: one row per recipient and room, keyed by the message that opened
// it); messages of the room within the next 15 minutes are covered by that email ("new messages in
// <room>"). The window's key is (user, room, window start = the opening message's time), so a
// redelivered message finds its own window again and writes its email again under the same id
// (`chat-message/<messageId>/<userId>`: nothing is sent twice), and two messages handled at once
// cannot both open one: D1 runs the conditional upserts one after the other.

/** One email per recipient and room in this many milliseconds. */
export const EMAIL_WINDOW_MS = 15 * 60_000;

/** The message a window is about: its room, id and time (ms, as the room stamped it). */
export interface WindowMessage {
  roomId: string;
  messageId: string;
  createdAt: number;
}

/**
 * Opens the email window of each of `userIds` in the message's room where none is open (none yet, or the
 * last one opened 15 minutes or more before this message), and answers the users whose window this
 * message holds: they get its email; the others had one for this room within the last 15 minutes.
 *
 * @example const mail = await openEmailWindows(db, message, ["bob", "carol"]); // Set { "bob" }
 */
export async function openEmailWindows(db: Db, m: WindowMessage, userIds: string[]): Promise<Set<string>> {
  const opened = new Set<string>();
  if (userIds.length === 0) return opened;
  // 4 parameters a row (+1 for the window): 20 rows a statement stays under D1's 100 bound parameters
  const upserts = chunks(userIds, 20).map((part) =>
    db
      .insert(emailWindows)
      .values(part.map((userId) => ({ userId, roomId: m.roomId, windowStart: m.createdAt, messageId: m.messageId })))
      .onConflictDoUpdate({
        target: [emailWindows.userId, emailWindows.roomId],
        set: { windowStart: sql`excluded.window_start`, messageId: sql`excluded.message_id` },
        // only a window that has run out moves on (a late, older message never takes over a newer window)
        setWhere: sql`${emailWindows.windowStart} <= excluded.window_start - ${EMAIL_WINDOW_MS}`,
      }),
  );
  const [first, ...rest] = upserts;
  if (first) await db.batch([first, ...rest]);
  for (const part of chunks(userIds, 90)) {
    const rows = await db
      .select({ userId: emailWindows.userId })
      .from(emailWindows)
      .where(and(eq(emailWindows.roomId, m.roomId), eq(emailWindows.messageId, m.messageId), inArray(emailWindows.userId, part)));
    for (const r of rows) opened.add(r.userId);
  }
  return opened;
}
