import { ApiError } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { loadNotebookOrThrow, loadNoteOrThrow, type Need } from "./access";
import { runBatch } from "./batch";
import type { ServiceDeps } from "./deps";
import { assertIfMatch } from "./etag";
import { type RawNote, toNote } from "./note-row";
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
  await runBatch(deps.db, [
    sql`INSERT INTO notes (id, user_id, notebook_id, title, content, tags, pinned, version, created_at, updated_at)
      VALUES (${row.id}, ${row.user_id}, ${row.notebook_id}, ${row.title}, ${row.content}, ${row.tags}, ${row.pinned}, 1, ${now}, ${now})`,
    sql`INSERT INTO revisions (id, note_id, version, title, content, author_id, created_at)
      VALUES (${nanoid()}, ${row.id}, 1, ${row.title}, ${row.content}, ${deps.userId}, ${now})`,
  ]);
  return toNote(row, access === "owner" ? "owner" : "editor");
}

export async function getNote(deps: ServiceDeps, id: string): Promise<Note> {
  const { row, access } = await loadNoteOrThrow(deps, id, "read");
  return toNote(row, access);
}

const MAX_ATTEMPTS = 3;

/**
 * Applies a partial update as one compare-and-set on the note's version: the revision (when title or
 * content change) and the update are one batch conditioned on the version read. With `If-Match` a stale
 * version is 412; without it a concurrent change is re-read and the update re-applied (last write wins),
 * so every change still gets its own revision.
 */
export async function updateNote(deps: ServiceDeps, id: string, patch: UpdateNoteInput, ifMatch?: string): Promise<Note> {
  const need: Need = patch.archived !== undefined || patch.notebookId !== undefined ? "own" : "edit";
  for (let attempt = 1; ; attempt++) {
    const { row, access } = await loadNoteOrThrow(deps, id, need);
    assertIfMatch(ifMatch, row.version);
    if (Object.keys(patch).length === 0) return toNote(row, access);
    if (patch.notebookId !== undefined && patch.notebookId !== row.notebook_id) await loadNotebookOrThrow(deps, patch.notebookId, "own");
    const updated = await applyUpdate(deps, row, patch);
    if (updated) return toNote(updated, access);
    if (ifMatch !== undefined) assertIfMatch(ifMatch, row.version + 1); // someone else won the race: 412
    if (attempt >= MAX_ATTEMPTS) throw new ApiError("conflict", "The note is being changed by others right now; retry");
  }
}

async function applyUpdate(deps: ServiceDeps, row: RawNote, patch: UpdateNoteInput): Promise<RawNote | undefined> {
  const now = deps.now();
  const next: RawNote = {
    ...row,
    title: patch.title ?? row.title,
    content: patch.content ?? row.content,
    tags: patch.tags === undefined ? row.tags : JSON.stringify(patch.tags),
    pinned: patch.pinned === undefined ? row.pinned : patch.pinned ? 1 : 0,
    archived_at: patch.archived === undefined ? row.archived_at : patch.archived ? (row.archived_at ?? now) : null,
    notebook_id: patch.notebookId ?? row.notebook_id,
    version: row.version + 1,
    updated_at: now,
  };
  const textChanged = next.title !== row.title || next.content !== row.content;
  const { db } = deps;
  const results = await runBatch(db, [
    // first, so it sees the version the update is conditioned on (a batch is one transaction)
    sql`INSERT INTO revisions (id, note_id, version, title, content, author_id, created_at)
      SELECT ${nanoid()}, id, ${next.version}, ${next.title}, ${next.content}, ${deps.userId}, ${now}
      FROM notes WHERE ${textChanged ? 1 : 0} = 1 AND id = ${row.id} AND version = ${row.version} AND deleted_at IS NULL`,
    sql`UPDATE notes SET title = ${next.title}, content = ${next.content}, tags = ${next.tags}, pinned = ${next.pinned},
        archived_at = ${next.archived_at}, notebook_id = ${next.notebook_id}, version = ${next.version}, updated_at = ${now}
      WHERE id = ${row.id} AND version = ${row.version} AND deleted_at IS NULL RETURNING *`,
  ]);
  const [updated] = (results[1]?.results ?? []) as unknown as RawNote[];
  return updated;
}

/** Moves a note to the trash (owner only); `If-Match` is honoured like PATCH. */
export async function trashNote(deps: ServiceDeps, id: string, ifMatch?: string): Promise<void> {
  const { row } = await loadNoteOrThrow(deps, id, "own");
  assertIfMatch(ifMatch, row.version);
  const res = await deps.db.run(
    sql`UPDATE notes SET deleted_at = ${deps.now()} WHERE id = ${id} AND version = ${row.version} AND deleted_at IS NULL`,
  );
  if (res.meta.changes === 0 && ifMatch !== undefined) assertIfMatch(ifMatch, row.version + 1);
}

/**
 * Takes a note out of the trash (owner only), reviving the notebooks above it if they were deleted with it.
 * Restoring a note that is not in the trash returns it unchanged.
 */
export async function restoreNote(deps: ServiceDeps, id: string): Promise<Note> {
  const { db, userId } = deps;
  const [trashed] = await db.all<{ id: string }>(
    sql`SELECT id FROM notes WHERE id = ${id} AND user_id = ${userId} AND deleted_at IS NOT NULL`,
  );
  if (!trashed) return getNoteAsOwner(deps, id);
  await runBatch(db, [
    sql`WITH RECURSIVE anc(id, d) AS (
        SELECT notebook_id, 0 FROM notes WHERE id = ${id}
        UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
      ) UPDATE notebooks SET deleted_at = NULL WHERE user_id = ${userId} AND deleted_at IS NOT NULL AND id IN (SELECT id FROM anc)`,
    sql`UPDATE notes SET deleted_at = NULL, version = version + 1, updated_at = ${deps.now()}
      WHERE id = ${id} AND user_id = ${userId} AND deleted_at IS NOT NULL`,
  ]);
  return getNoteAsOwner(deps, id);
}

async function getNoteAsOwner(deps: ServiceDeps, id: string): Promise<Note> {
  const { row } = await loadNoteOrThrow(deps, id, "own");
  return toNote(row, "owner");
}
