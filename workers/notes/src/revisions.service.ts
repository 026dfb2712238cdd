import { decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { loadNoteOrThrow } from "./access";
import type { ServiceDeps } from "./deps";
import { updateNote } from "./notes.service";
import type { Note, Revision, RevisionDetail } from "./validation";

interface RawRevision {
  id: string;
  note_id: string;
  version: number;
  title: string;
  content?: string;
  author_id: string;
  size: number;
  created_at: number;
}

const toRevision = (r: RawRevision): Revision => ({
  id: r.id,
  noteId: r.note_id,
  version: r.version,
  title: r.title,
  authorId: r.author_id,
  size: r.size,
  createdAt: iso(r.created_at),
});

/** A note's revisions, newest first (anyone who may read the note). */
export async function listRevisions(
  deps: ServiceDeps,
  noteId: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: Revision[]; nextCursor: string | null }> {
  await loadNoteOrThrow(deps, noteId, "read");
  let after = sql``;
  if (query.cursor !== undefined) {
    const [version] = decodeCursor("revisions", query.cursor, 1);
    if (typeof version !== "number") throw invalidCursor();
    after = sql` AND version < ${version}`;
  }
  const rows =
    await deps.db.all<RawRevision>(sql`SELECT id, note_id, version, title, author_id, length(CAST(content AS BLOB)) AS size, created_at
    FROM revisions WHERE note_id = ${noteId}${after} ORDER BY version DESC LIMIT ${query.limit + 1}`);
  const page = toPage(rows, query.limit, (last) => encodeCursor("revisions", [last.version]));
  return { items: page.items.map(toRevision), nextCursor: page.nextCursor };
}

/** A revision of the note, else 404; the caller has already checked access to the note. */
async function loadRevisionOrThrow(deps: ServiceDeps, noteId: string, revisionId: string): Promise<RevisionDetail> {
  const [row] = await deps.db.all<RawRevision>(sql`SELECT id, note_id, version, title, content, author_id,
      length(CAST(content AS BLOB)) AS size, created_at
    FROM revisions WHERE id = ${revisionId} AND note_id = ${noteId}`);
  if (!row) throw notFound("Revision");
  return { ...toRevision(row), content: row.content ?? "" };
}

export async function getRevision(deps: ServiceDeps, noteId: string, revisionId: string): Promise<RevisionDetail> {
  await loadNoteOrThrow(deps, noteId, "read");
  return loadRevisionOrThrow(deps, noteId, revisionId);
}

/** Puts a revision's title and content back (owner or editor); that is itself a new revision. */
export async function restoreRevision(deps: ServiceDeps, noteId: string, revisionId: string, ifMatch?: string): Promise<Note> {
  await loadNoteOrThrow(deps, noteId, "edit");
  const revision = await loadRevisionOrThrow(deps, noteId, revisionId);
  return updateNote(deps, noteId, { title: revision.title, content: revision.content }, ifMatch);
}
