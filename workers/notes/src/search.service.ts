import { ApiError, decodeCursor, encodeCursor, invalidCursor } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { loadNotebookOrThrow, subtreeCte } from "./access";
import type { ServiceDeps } from "./deps";
import { tagFilter } from "./list-notes.service";
import { noteAccessExpr, type RawNote, readableNoteExpr, SUMMARY_COLUMNS, sharedNotebooksCte, toSummary } from "./note-row";
import { MARK_CLOSE, MARK_OPEN, markedHtml, toMatchExpression } from "./search-query";
import type { SearchHit, SearchQuery } from "./validation";

/** Deepest result reachable by paging (offset paging keeps bm25 order stable without a keyset on floats). */
const MAX_OFFSET = 1000;
// bm25 column weights: a hit in the title counts most, then tags, then content
const WEIGHTS = sql.raw("10.0, 1.0, 4.0");

type Hit = RawNote & { rank: number; title_hl: string; snip: string };

/**
 * Full-text search over every note the caller may read (own and shared), never trashed ones, archived
 * ones only with `includeArchived`; ranked by bm25 with highlighted title and content snippet.
 */
export async function searchNotes(deps: ServiceDeps, query: SearchQuery): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const match = toMatchExpression(query.q);
  if (match === null) {
    throw new ApiError("validation_failed", "The search has no words to look for", {
      errors: [{ path: "q", location: "query", message: "Must contain at least one letter or digit" }],
    });
  }
  let offset = 0;
  if (query.cursor !== undefined) {
    const [o] = decodeCursor("search", query.cursor, 1);
    if (typeof o !== "number" || !Number.isInteger(o) || o < 0 || o > MAX_OFFSET) throw invalidCursor();
    offset = o;
  }
  if (query.notebookId !== undefined) await loadNotebookOrThrow(deps, query.notebookId, "read");
  const { db, userId } = deps;
  const subtree = query.notebookId !== undefined ? sql`, ${subtreeCte(query.notebookId)}` : sql``;
  const inNotebook = query.notebookId !== undefined ? sql` AND n.notebook_id IN (SELECT id FROM subtree)` : sql``;
  const rows = await db.all<Hit>(sql`WITH RECURSIVE ${sharedNotebooksCte(userId)}${subtree}
    SELECT ${SUMMARY_COLUMNS}, ${noteAccessExpr(userId)} AS access,
      bm25(notes_fts, ${WEIGHTS}) AS rank,
      highlight(notes_fts, 0, ${MARK_OPEN}, ${MARK_CLOSE}) AS title_hl,
      snippet(notes_fts, 1, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 24) AS snip
    FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
    WHERE notes_fts MATCH ${match} AND n.deleted_at IS NULL AND ${readableNoteExpr(userId)}
      ${query.includeArchived ? sql`` : sql`AND n.archived_at IS NULL`}${inNotebook}${tagFilter(query.tag)}
    ORDER BY rank, n.seq LIMIT ${query.limit + 1} OFFSET ${offset}`);
  const hasMore = rows.length > query.limit && offset + query.limit <= MAX_OFFSET;
  const items = rows.slice(0, query.limit).map((r) => ({
    ...toSummary(r, r.access ?? "viewer"),
    titleHighlight: markedHtml(r.title_hl),
    snippet: markedHtml(r.snip),
    rank: r.rank,
  }));
  return { items, nextCursor: hasMore ? encodeCursor("search", [offset + query.limit]) : null };
}
