import { notFound } from "@edgeworks/http";
import { and, eq, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { nanoid } from "nanoid";
import { loadNotebookOrThrow, loadNoteOrThrow, type Need } from "./access";
import { runBatch } from "./batch";
import type { ServiceDeps } from "./deps";
import { assertIfMatch } from "./etag";
import { RAW_NOTE_COLUMNS, type RawNote, toNote } from "./note-row";
import { notes, revisions } from "./schema";
import type { CreateNoteInput, Note, UpdateNoteInput } from "./validation";

/** Creates a note in a notebook the caller owns or edits (the note belongs to the notebook's owner), with revision 1. */
export async function createNote(deps: ServiceDeps, input: CreateNoteInput): Promise<Note> {
  const { row: notebook, access } = await loadNotebookOrThrow(deps, input.notebookId, "edit");
  const now = deps.now();
  const row: RawNote = {
    seq: 0,
    id: nanoid(),
    user_id: notebook.user_id,
    notebook_id: notebook.id,
    title: input.title,
    content: input.content,
    tags: JSON.stringify(input.tags ?? []),
    pinned: input.pinned ? 1 : 0,
    archived_at: null,
    version: 1,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  const { db } = deps;
  await db.batch([
    db.insert(notes).values({
      id: row.id,
      userId: row.user_id,
      notebookId: row.notebook_id,
      title: input.title,
      content: input.content,
      tags: input.tags ?? [],
      pinned: input.pinned === true,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(revisions).values({
      id: nanoid(),
      noteId: row.id,
      version: 1,
      title: input.title,
      content: input.content,
      authorId: deps.userId,
      createdAt: now,
    }),
  ]);
  return toNote(row, access === "owner" ? "owner" : "editor");
}

export async function getNote(deps: ServiceDeps, id: string): Promise<Note> {
  const { row, access } = await loadNoteOrThrow(deps, id, "read");
  return toNote(row, access);
}

/**
 * Applies a partial update as one D1 batch (one transaction) that computes the new values in SQL from
 * the row as it is at that moment: the revision (when title or content change) is inserted first, then the
 * update bumps the version. Without `If-Match` concurrent edits therefore all apply in some order (last
 * write wins) and each gets its own version and revision; with `If-Match` both statements are also
 * conditioned on the version the client named, so a stale one is 412 and changes nothing.
 */
export async function updateNote(deps: ServiceDeps, id: string, patch: UpdateNoteInput, ifMatch?: string): Promise<Note> {
  const need: Need = patch.archived !== undefined || patch.notebookId !== undefined ? "own" : "edit";
  const { row, access } = await loadNoteOrThrow(deps, id, need);
  assertIfMatch(ifMatch, row.version);
  if (Object.keys(patch).length === 0) return toNote(row, access);
  if (patch.notebookId !== undefined && patch.notebookId !== row.notebook_id) await loadNotebookOrThrow(deps, patch.notebookId, "own");
  const expected = ifMatch === undefined || ifMatch.trim() === "*" ? undefined : row.version;
  const updated = await applyUpdate(deps, id, patch, expected);
  if (updated) return toNote(updated, access);
  if (expected !== undefined) assertIfMatch(ifMatch, expected + 1); // another write won the race: 412
  throw notFound("Note"); // it went to the trash meanwhile
}

async function applyUpdate(deps: ServiceDeps, id: string, patch: UpdateNoteInput, expectedVersion?: number): Promise<RawNote | undefined> {
  const { db } = deps;
  const now = deps.now();
  // each new value is computed in SQL from the row as it is when the batch runs; null keeps the column
  const keep = <T>(value: T | undefined, column: SQLiteColumn): SQL => sql`coalesce(${value ?? null}, ${column})`;
  const title = keep(patch.title, notes.title);
  const content = keep(patch.content, notes.content);
  const archived = patch.archived === undefined ? null : patch.archived ? 1 : 0;
  const scope = and(
    eq(notes.id, id),
    isNull(notes.deletedAt),
    expectedVersion === undefined ? undefined : eq(notes.version, expectedVersion),
  );
  const [, updated] = await db.batch([
    db.insert(revisions).select(
      db
        .select({
          id: sql<string>`${nanoid()}`.as("id"),
          noteId: notes.id,
          version: sql<number>`${notes.version} + 1`.as("version"),
          title: sql<string>`${title}`.as("title"),
          content: sql<string>`${content}`.as("content"),
          authorId: sql<string>`${deps.userId}`.as("author_id"),
          createdAt: sql<number>`${now}`.as("created_at"),
        })
        .from(notes)
        .where(and(scope, or(sql`${title} != ${notes.title}`, sql`${content} != ${notes.content}`))),
    ),
    db
      .update(notes)
      .set({
        title,
        content,
        tags: keep(patch.tags === undefined ? undefined : JSON.stringify(patch.tags), notes.tags),
        pinned: keep(patch.pinned === undefined ? undefined : patch.pinned ? 1 : 0, notes.pinned),
        archivedAt: sql`CASE ${archived} WHEN 1 THEN coalesce(${notes.archivedAt}, ${now}) WHEN 0 THEN NULL ELSE ${notes.archivedAt} END`,
        notebookId: keep(patch.notebookId, notes.notebookId),
        version: sql`${notes.version} + 1`,
        updatedAt: now,
      })
      .where(scope)
      .returning(RAW_NOTE_COLUMNS),
  ]);
  return updated[0];
}

/** Moves a note to the trash (owner only); `If-Match` is honoured like PATCH. */
export async function trashNote(deps: ServiceDeps, id: string, ifMatch?: string): Promise<void> {
  const { row } = await loadNoteOrThrow(deps, id, "own");
  assertIfMatch(ifMatch, row.version);
  const res = await deps.db
    .update(notes)
    .set({ deletedAt: deps.now() })
    .where(and(eq(notes.id, id), eq(notes.version, row.version), isNull(notes.deletedAt)));
  if (res.meta.changes === 0 && ifMatch !== undefined) assertIfMatch(ifMatch, row.version + 1);
}

/**
 * Takes a note out of the trash (owner only), reviving the notebooks above it if they were deleted with it.
 * Restoring a note that is not in the trash returns it unchanged.
 */
export async function restoreNote(deps: ServiceDeps, id: string): Promise<Note> {
  const { db, userId } = deps;
  const mine = and(eq(notes.id, id), eq(notes.userId, userId), isNotNull(notes.deletedAt));
  const trashed = await db.select({ id: notes.id }).from(notes).where(mine).get();
  if (!trashed) return getNoteAsOwner(deps, id);
  await runBatch(db, [
    sql`WITH RECURSIVE anc(id, d) AS (
        SELECT notebook_id, 0 FROM notes WHERE id = ${id}
        UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
      ) UPDATE notebooks SET deleted_at = NULL WHERE user_id = ${userId} AND deleted_at IS NOT NULL AND id IN (SELECT id FROM anc)`,
    db
      .update(notes)
      .set({ deletedAt: null, version: sql`${notes.version} + 1`, updatedAt: deps.now() })
      .where(mine),
  ]);
  return getNoteAsOwner(deps, id);
}

async function getNoteAsOwner(deps: ServiceDeps, id: string): Promise<Note> {
  const { row } = await loadNoteOrThrow(deps, id, "own");
  return toNote(row, "owner");
}
