import { iso } from "@edgeworks/http";
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { type ItemRow, items } from "./schema";
import type { Item } from "./validation";

/** The API shape of a stored row: what every response shows of an item. */
export function toItem(row: ItemRow): Item {
  return { id: row.id, name: row.name, note: row.note, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

/** The user's live (not deleted) items: the scope of every query, so no handler can forget it. */
export const ownedLive = (userId: string, ...more: (SQL | undefined)[]): SQL | undefined =>
  and(eq(items.userId, userId), isNull(items.deletedAt), ...more);
