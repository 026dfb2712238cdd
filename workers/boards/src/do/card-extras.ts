import { eq, or, type SQL, sql } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { evenKeys } from "../positions";
import { attachments, cards, checklistItems, checklists, comments, dependencies, lists } from "./board.schema";
import { type CardExtras, groupBy } from "./board-schema";

// Multi-row reads and writes of a board's store that would crowd BoardStore: what hangs off a set of
// cards, and re-spacing a sequence of position keys.

/** The drizzle database over a board's storage (durable-sqlite: every query runs synchronously). */
export type BoardDb = DrizzleSqliteDODatabase;

/**
 * `column IN` the given ids, passed as one JSON parameter: a board view can hold more cards than
 * Durable Object SQLite accepts bound parameters, so `inArray` would fail on a big board.
 */
export const inIds = (column: SQLiteColumn, ids: string[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** Insertion order among rows created in the same millisecond. */
const rowid = sql`rowid`;

/** The checklists, items, comments, attachments and dependencies of some cards, grouped by card. */
export function cardExtras(db: BoardDb, ids: string[]): CardExtras {
  const deps = db
    .select()
    .from(dependencies)
    .where(or(inIds(dependencies.cardId, ids), inIds(dependencies.blockerId, ids)))
    .orderBy(rowid)
    .all();
  return {
    checklists: groupBy(
      db.select().from(checklists).where(inIds(checklists.cardId, ids)).orderBy(checklists.createdAt, rowid).all(),
      (c) => c.cardId,
    ),
    items: groupBy(
      db.select().from(checklistItems).where(inIds(checklistItems.cardId, ids)).orderBy(checklistItems.createdAt, rowid).all(),
      (i) => i.checklistId,
    ),
    comments: groupBy(
      db.select().from(comments).where(inIds(comments.cardId, ids)).orderBy(comments.createdAt, rowid).all(),
      (c) => c.cardId,
    ),
    attachments: groupBy(
      db.select().from(attachments).where(inIds(attachments.cardId, ids)).orderBy(attachments.createdAt, rowid).all(),
      (a) => a.cardId,
    ),
    blockedBy: new Map([...groupBy(deps, (d) => d.cardId)].map(([k, v]) => [k, v.map((d) => d.blockerId)])),
    blocks: new Map([...groupBy(deps, (d) => d.blockerId)].map(([k, v]) => [k, v.map((d) => d.cardId)])),
  };
}

/** Evenly spaced keys for rows in their current order. */
const spaced = (rows: { id: string }[]): { id: string; pos: string }[] => {
  const keys = evenKeys(rows.length);
  return rows.map((r, i) => ({ id: r.id, pos: keys[i] as string }));
};

// Keys are first parked on unique temporary values ('~' || id), so the UNIQUE position index never
// sees two rows at one key while they are rewritten one by one.

/** Gives the board's lists evenly spaced keys in their order; returns the new positions. */
export function respaceLists(db: BoardDb): { id: string; pos: string }[] {
  const positions = spaced(db.select({ id: lists.id }).from(lists).orderBy(lists.pos).all());
  db.update(lists)
    .set({ pos: sql`'~' || ${lists.id}` })
    .run();
  for (const p of positions) db.update(lists).set({ pos: p.pos }).where(eq(lists.id, p.id)).run();
  return positions;
}

/** Gives a list's cards evenly spaced keys in their order; returns the new positions. */
export function respaceCards(db: BoardDb, listId: string): { id: string; pos: string }[] {
  const inList = eq(cards.listId, listId);
  const positions = spaced(db.select({ id: cards.id }).from(cards).where(inList).orderBy(cards.pos).all());
  db.update(cards)
    .set({ pos: sql`'~' || ${cards.id}` })
    .where(inList)
    .run();
  for (const p of positions) db.update(cards).set({ pos: p.pos }).where(eq(cards.id, p.id)).run();
  return positions;
}
