import { decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { and, desc, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import type { ServiceDeps } from "../deps";
import { baseOf, excerptOf, RAW_NOTE_COLUMNS } from "../note-row";
import { notes } from "../schema";
import type { TrashedNote } from "../validation";
import { purgeNotes } from "./purge-notes";
import { TRASH_RETENTION_MS } from "./purge-trash";

/** The caller's trashed notes, most recently deleted first. */
export async function listTrash(
  { db, userId }: ServiceDeps,
  query: { limit: number; cursor?: string },
): Promise<{ items: TrashedNote[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [deletedAt, id] = decodeCursor("trash", query.cursor, 2);
    if (typeof deletedAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${notes.deletedAt}, ${notes.id}) < (${deletedAt}, ${id})`;
  }
  const { content: _content, ...columns } = RAW_NOTE_COLUMNS;
  const rows = await db
    .select({ ...columns, excerpt: excerptOf(notes.content), deleted_at: sql<number>`${notes.deletedAt}` })
    .from(notes)
    .where(and(eq(notes.userId, userId), isNotNull(notes.deletedAt), after))
    .orderBy(desc(notes.deletedAt), desc(notes.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor("trash", [last.deleted_at, last.id]));
  return {
    items: page.items.map((r) => ({
      ...baseOf(r),
      excerpt: r.excerpt ?? "",
      deletedAt: iso(r.deleted_at),
      purgeAt: iso(r.deleted_at + TRASH_RETENTION_MS),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Deletes one trashed note for good (404 unless it is the caller's and in the trash). */
export async function deleteForever({ db, userId }: ServiceDeps, bucket: R2Bucket, id: string): Promise<void> {
  const row = await db
    .select({ id: notes.id })
    .from(notes)
    .where(and(eq(notes.id, id), eq(notes.userId, userId), isNotNull(notes.deletedAt)))
    .get();
  if (!row) throw notFound("Trashed note");
  await purgeNotes(db, bucket, [id]);
}

/** Empties the caller's trash now; returns how many notes were deleted. */
export async function emptyTrash({ db, userId }: ServiceDeps, bucket: R2Bucket): Promise<number> {
  const rows = await db
    .select({ id: notes.id })
    .from(notes)
    .where(and(eq(notes.userId, userId), isNotNull(notes.deletedAt)));
  await purgeNotes(
    db,
    bucket,
    rows.map((r) => r.id),
  );
  return rows.length;
}
