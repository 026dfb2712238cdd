import { decodeCursor, encodeCursor, invalidCursor, notFound, toPage } from "@edgeworks/http";
import { desc, eq, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { ServiceDeps } from "./deps";
import { ownedLive, toItem } from "./item-view";
import { items } from "./schema";
import type { CreateItemInput, Item, ListItemsQuery, UpdateItemInput } from "./validation";

const byId = (userId: string, id: string) => ownedLive(userId, eq(items.id, id));
const SCOPE = "items:createdAt:desc";

/** One page of the user's items, newest first: one indexed query, keyset-paginated on (createdAt, id). */
export async function listItems({ db, userId }: ServiceDeps, query: ListItemsQuery): Promise<{ items: Item[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(SCOPE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") throw invalidCursor();
    // a row-value comparison the index can seek to (keyset: `sql` is allowed here)
    after = sql`(${items.createdAt}, ${items.id}) < (${createdAt}, ${id})`;
  }
  const rows = await db
    .select()
    .from(items)
    .where(ownedLive(userId, after))
    .orderBy(desc(items.createdAt), desc(items.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(SCOPE, [last.createdAt, last.id]));
  return { items: page.items.map(toItem), nextCursor: page.nextCursor };
}

/** Creates an item owned by the user. */
export async function createItem({ db, userId, now }: ServiceDeps, input: CreateItemInput): Promise<Item> {
  const t = now();
  const [row] = await db
    .insert(items)
    .values({ id: nanoid(), userId, name: input.name, note: input.note ?? null, createdAt: t, updatedAt: t, deletedAt: null })
    .returning();
  if (!row) throw new Error("INSERT … RETURNING returned no row");
  return toItem(row);
}

/** One of the user's live items, or 404 (also for another user's item: existence is not revealed). */
export async function getItemOrThrow({ db, userId }: ServiceDeps, id: string): Promise<Item> {
  const [row] = await db.select().from(items).where(byId(userId, id)).limit(1);
  if (!row) throw notFound("Item");
  return toItem(row);
}

/** Changes only the given fields; `{}` changes nothing (and keeps updatedAt). */
export async function updateItem(deps: ServiceDeps, id: string, patch: UpdateItemInput): Promise<Item> {
  if (Object.keys(patch).length === 0) return getItemOrThrow(deps, id);
  const [row] = await deps.db
    .update(items)
    .set({ ...patch, updatedAt: deps.now() })
    .where(byId(deps.userId, id))
    .returning();
  if (!row) throw notFound("Item");
  return toItem(row);
}

/** Soft-deletes one item, or 404. */
export async function deleteItem({ db, userId, now }: ServiceDeps, id: string): Promise<void> {
  const t = now();
  const deleted = await db.update(items).set({ deletedAt: t, updatedAt: t }).where(byId(userId, id)).returning({ id: items.id });
  if (deleted.length === 0) throw notFound("Item");
}
