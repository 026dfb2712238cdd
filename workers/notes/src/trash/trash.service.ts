import { decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { ServiceDeps } from "../deps";
import { baseOf, type RawNote, SUMMARY_COLUMNS } from "../note-row";
import { notes } from "../schema";
import type { TrashedNote } from "../validation";
import { purgeNotes } from "./purge-notes";
import { TRASH_RETENTION_MS } from "./purge-trash";

/** The caller's trashed notes, most recently deleted first. */
export async function listTrash(
  { db, userId }: ServiceDeps,
  query: { limit: number; cursor?: string },
): Promise<{ items: TrashedNote[]; nextCursor: string | null }> {
  let after = sql``;
  if (query.cursor !== undefined) {
    const [deletedAt, id] = decodeCursor("trash", query.cursor, 2);
    if (typeof deletedAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql` AND (n.deleted_at, n.id) < (${deletedAt}, ${id})`;
  }
  const rows = await db.all<RawNote & { deleted_at: number }>(sql`SELECT ${SUMMARY_COLUMNS} FROM notes n
    WHERE n.user_id = ${userId} AND n.deleted_at IS NOT NULL${after}
    ORDER BY n.deleted_at DESC, n.id DESC LIMIT ${query.limit + 1}`);
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
