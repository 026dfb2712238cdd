import { decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import { loadNoteOrThrow } from "./access";
import type { ServiceDeps } from "./deps";
import { updateNote } from "./notes.service";
import { revisions } from "./schema";
import type { Note, Revision, RevisionDetail } from "./validation";

/** A revision's columns without its content; `size` is the content's length in UTF-8 bytes. */
const SUMMARY = {
  id: revisions.id,
  noteId: revisions.noteId,
  version: revisions.version,
  title: revisions.title,
  authorId: revisions.authorId,
  size: sql<number>`length(CAST(${revisions.content} AS BLOB))`,
  createdAt: revisions.createdAt,
};

interface RevisionRow {
  id: string;
  noteId: string;
  version: number;
  title: string;
  authorId: string;
  size: number;
  createdAt: number;
}

const toRevision = (r: RevisionRow): Revision => ({
  id: r.id,
  noteId: r.noteId,
  version: r.version,
  title: r.title,
  authorId: r.authorId,
  size: r.size,
  createdAt: iso(r.createdAt),
});

/** A note's revisions, newest first (anyone who may read the note). */
export async function listRevisions(
  deps: ServiceDeps,
  noteId: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: Revision[]; nextCursor: string | null }> {
  await loadNoteOrThrow(deps, noteId, "read");
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [version] = decodeCursor("revisions", query.cursor, 1);
    if (typeof version !== "number") throw invalidCursor();
    after = lt(revisions.version, version);
  }
  const rows = await deps.db
    .select(SUMMARY)
    .from(revisions)
    .where(and(eq(revisions.noteId, noteId), after))
    .orderBy(desc(revisions.version))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor("revisions", [last.version]));
  return { items: page.items.map(toRevision), nextCursor: page.nextCursor };
}

/** A revision of the note, else 404; the caller has already checked access to the note. */
async function loadRevisionOrThrow(deps: ServiceDeps, noteId: string, revisionId: string): Promise<RevisionDetail> {
  const row = await deps.db
    .select({ ...SUMMARY, content: revisions.content })
    .from(revisions)
    .where(and(eq(revisions.id, revisionId), eq(revisions.noteId, noteId)))
    .get();
  if (!row) throw notFound("Revision");
  return { ...toRevision(row), content: row.content };
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
