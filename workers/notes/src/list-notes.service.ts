import { decodeCursor, encodeCursor, invalidCursor, toPage } from "@edgeworks/http";
import { type SQL, sql } from "drizzle-orm";
import { loadNotebookOrThrow, subtreeCte } from "./access";
import type { ServiceDeps } from "./deps";
import { noteAccessExpr, type RawNote, SUMMARY_COLUMNS, sharedNotebooksCte, toSummary } from "./note-row";
import type { ListNotesQuery, NoteSummary } from "./validation";

/** Every given tag must be on the note (ASCII case ignored, like the stored tag identity). */
export const tagFilter = (tags: string[] | undefined): SQL =>
  sql.join(
    (tags ?? []).map((t) => sql` AND EXISTS (SELECT 1 FROM json_each(n.tags) WHERE lower(json_each.value) = lower(${t}))`),
    sql``,
  );

/**
 * A page of notes, pinned first, then most recently updated: the caller's own notes, or (with
 * `notebookId`) the notes of a notebook the caller may read, optionally with its sub-notebooks.
 * Archived notes are hidden unless `archived=true`, which lists only them.
 */
export async function listNotes(deps: ServiceDeps, query: ListNotesQuery): Promise<{ items: NoteSummary[]; nextCursor: string | null }> {
  const { db, userId } = deps;
  let scope: SQL;
  if (query.notebookId !== undefined) {
    await loadNotebookOrThrow(deps, query.notebookId, "read");
    scope = query.includeSubNotebooks ? sql`n.notebook_id IN (SELECT id FROM subtree)` : sql`n.notebook_id = ${query.notebookId}`;
  } else {
    scope = sql`n.user_id = ${userId}`;
  }
  const cursorScope = "notes";
  let after = sql``;
  if (query.cursor !== undefined) {
    const [pinned, updatedAt, id] = decodeCursor(cursorScope, query.cursor, 3);
    if (typeof pinned !== "number" || typeof updatedAt !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql` AND (n.pinned, n.updated_at, n.id) < (${pinned}, ${updatedAt}, ${id})`;
  }
  const subtree = query.notebookId !== undefined && query.includeSubNotebooks ? sql`, ${subtreeCte(query.notebookId)}` : sql``;
  const rows = await db.all<RawNote>(sql`WITH RECURSIVE ${sharedNotebooksCte(userId)}${subtree}
    SELECT ${SUMMARY_COLUMNS}, ${noteAccessExpr(userId)} AS access FROM notes n
    WHERE ${scope} AND n.deleted_at IS NULL AND n.archived_at IS ${query.archived ? sql`NOT NULL` : sql`NULL`}
      ${tagFilter(query.tag)}${after}
    ORDER BY n.pinned DESC, n.updated_at DESC, n.id DESC LIMIT ${query.limit + 1}`);
  const page = toPage(rows, query.limit, (last) => encodeCursor(cursorScope, [last.pinned, last.updated_at, last.id]));
  return { items: page.items.map((r) => toSummary(r, r.access ?? "viewer")), nextCursor: page.nextCursor };
}
