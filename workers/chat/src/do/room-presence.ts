import { eq, sql } from "drizzle-orm";
import { presence } from "./chat-room.schema";
import type { RoomDb } from "./room-store";

// What a room knows of its members' presence elsewhere, as their presence objects announce it.

/** The members announced online by their presence objects (connected to other rooms or devices). */
export const onlineElsewhere = (db: RoomDb): string[] =>
  db
    .select({ userId: presence.userId })
    .from(presence)
    .where(eq(presence.online, true))
    .all()
    .map((r) => r.userId);

/** Applies an announcement unless a newer one (higher version) was applied already: they may arrive out of order. */
export function recordPresence(db: RoomDb, userId: string, online: boolean, version: number): void {
  db.insert(presence)
    .values({ userId, online, version })
    .onConflictDoUpdate({
      target: presence.userId,
      set: { online: sql`excluded.online`, version: sql`excluded.version` },
      setWhere: sql`excluded.version > ${presence.version}`,
    })
    .run();
}

/** Forgets a member who left or was removed. */
export const forgetPresence = (db: RoomDb, userId: string): void => {
  db.delete(presence).where(eq(presence.userId, userId)).run();
};
