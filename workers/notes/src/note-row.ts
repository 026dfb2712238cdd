import { iso } from "@edgeworks/http";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { notes } from "./schema";
import type { Access, Note, NoteSummary } from "./validation";

/** Characters of content shown in list items. */
export const EXCERPT_LENGTH = 200;

/** A notes row as raw SQL returns it (snake_case), with the caller's access; `content` or `excerpt` as selected. */
export interface RawNote {
  seq: number;
  id: string;
  user_id: string;
  notebook_id: string;
  title: string;
  content?: string;
  excerpt?: string;
  tags: string;
  pinned: number;
  archived_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  access?: Access | null;
}

/** Every column of a notes row as the builder selects it into a RawNote (tags and pinned as stored, not mapped). */
export const RAW_NOTE_COLUMNS = {
  seq: notes.seq,
  id: notes.id,
  user_id: notes.userId,
  notebook_id: notes.notebookId,
  title: notes.title,
  content: notes.content,
  tags: sql<string>`${notes.tags}`,
  pinned: sql<number>`${notes.pinned}`,
  archived_at: notes.archivedAt,
  version: notes.version,
  created_at: notes.createdAt,
  updated_at: notes.updatedAt,
  deleted_at: notes.deletedAt,
};

/** The first EXCERPT_LENGTH characters of a content column. */
export const excerptOf = (content: SQLWrapper): SQL<string> => sql<string>`substr(${content}, 1, ${sql.raw(String(EXCERPT_LENGTH))})`;

/** The columns of a list item: everything but the content, which is cut to an excerpt. */
export const SUMMARY_COLUMNS = sql.raw(
  `n.seq, n.id, n.user_id, n.notebook_id, n.title, substr(n.content, 1, ${EXCERPT_LENGTH}) AS excerpt, n.tags, n.pinned, n.archived_at, n.version, n.created_at, n.updated_at, n.deleted_at`,
);

/** The stored JSON tag list of a row (only its strings). */
export const parseTags = (tags: string): string[] => {
  const parsed: unknown = JSON.parse(tags);
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === "string") : [];
};

const base = (r: RawNote) => ({
  id: r.id,
  notebookId: r.notebook_id,
  title: r.title,
  tags: parseTags(r.tags),
  pinned: r.pinned === 1,
  archived: r.archived_at !== null,
  version: r.version,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export const toNote = (r: RawNote, access: Access): Note => ({ ...base(r), content: r.content ?? "", access });
export const toSummary = (r: RawNote, access: Access): NoteSummary => ({ ...base(r), excerpt: r.excerpt ?? "", access });
export const baseOf = base;

/** The quoted version, the note's strong ETag. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * The notebooks shared with `userId` and every notebook below them, with the best role per path, as the
 * CTE `shared_nb(id, role, d)`. Depth is bounded so a corrupt tree can never loop.
 */
export const sharedNotebooksCte = (userId: string): SQL => sql`shared_nb(id, role, d) AS (
  SELECT s.item_id, s.role, 0 FROM shares s JOIN notebooks b ON b.id = s.item_id
    WHERE s.grantee_id = ${userId} AND s.item_type = 'notebook' AND b.deleted_at IS NULL
  UNION
  SELECT nb.id, shared_nb.role, shared_nb.d + 1 FROM notebooks nb JOIN shared_nb ON nb.parent_id = shared_nb.id
    WHERE nb.deleted_at IS NULL AND shared_nb.d < 12
)`;

/** The caller's access to note row `n`, given the `shared_nb` CTE; null when none. */
export const noteAccessExpr = (userId: string): SQL => sql`CASE
  WHEN n.user_id = ${userId} THEN 'owner'
  WHEN EXISTS (SELECT 1 FROM shares s WHERE s.grantee_id = ${userId} AND s.item_type = 'note' AND s.item_id = n.id AND s.role = 'editor')
    OR EXISTS (SELECT 1 FROM shared_nb WHERE shared_nb.id = n.notebook_id AND shared_nb.role = 'editor') THEN 'editor'
  WHEN EXISTS (SELECT 1 FROM shares s WHERE s.grantee_id = ${userId} AND s.item_type = 'note' AND s.item_id = n.id)
    OR EXISTS (SELECT 1 FROM shared_nb WHERE shared_nb.id = n.notebook_id) THEN 'viewer'
  END`;

/** Note row `n` is readable by the caller (own, shared directly, or in a shared notebook's subtree). */
export const readableNoteExpr = (userId: string): SQL => sql`(n.user_id = ${userId}
  OR n.id IN (SELECT s.item_id FROM shares s WHERE s.grantee_id = ${userId} AND s.item_type = 'note')
  OR n.notebook_id IN (SELECT id FROM shared_nb))`;
