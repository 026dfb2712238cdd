import { ApiError, notFound } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import type { ServiceDeps } from "./deps";
import { noteAccessExpr, type RawNote, sharedNotebooksCte } from "./note-row";
import type { Access } from "./validation";

/** What an operation needs: reading (any access), editing (owner or editor) or owning. */
export type Need = "read" | "edit" | "own";

/**
 * Strangers get 404 (the item's existence is not revealed); a sharee without enough rights gets 403.
 */
export function checkAccess(access: Access | null | undefined, need: Need, what: string): Access {
  if (!access) throw notFound(what);
  if (need === "edit" && access === "viewer") throw new ApiError("forbidden", `You can only view this ${what.toLowerCase()}`);
  if (need === "own" && access !== "owner") throw new ApiError("forbidden", `Only the owner can do this to a ${what.toLowerCase()}`);
  return access;
}

/** A live (not trashed) note with the caller's access, or 404/403 as `checkAccess` decides. */
export async function loadNoteOrThrow(
  { db, userId }: Pick<ServiceDeps, "db" | "userId">,
  noteId: string,
  need: Need,
): Promise<{ row: RawNote; access: Access }> {
  const [row] = await db.all<RawNote>(sql`WITH RECURSIVE ${sharedNotebooksCte(userId)}
    SELECT n.*, ${noteAccessExpr(userId)} AS access FROM notes n WHERE n.id = ${noteId} AND n.deleted_at IS NULL`);
  const access = checkAccess(row?.access, need, "Note");
  return { row: row as RawNote, access };
}

export interface RawNotebook {
  id: string;
  user_id: string;
  parent_id: string | null;
  name: string;
  created_at: number;
  updated_at: number;
  access?: Access | null;
}

/** A live notebook with the caller's access (own, or shared on it or an ancestor), or 404/403. */
export async function loadNotebookOrThrow(
  { db, userId }: Pick<ServiceDeps, "db" | "userId">,
  notebookId: string,
  need: Need,
): Promise<{ row: RawNotebook; access: Access }> {
  const [row] = await db.all<RawNotebook>(sql`WITH RECURSIVE anc(id, d) AS (
      SELECT ${notebookId}, 0
      UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
    )
    SELECT nb.id, nb.user_id, nb.parent_id, nb.name, nb.created_at, nb.updated_at,
      CASE WHEN nb.user_id = ${userId} THEN 'owner' ELSE (
        SELECT CASE WHEN count(*) = 0 THEN NULL WHEN max(s.role = 'editor') = 1 THEN 'editor' ELSE 'viewer' END
        FROM shares s WHERE s.grantee_id = ${userId} AND s.item_type = 'notebook' AND s.item_id IN (SELECT id FROM anc)
      ) END AS access
    FROM notebooks nb WHERE nb.id = ${notebookId} AND nb.deleted_at IS NULL`);
  const access = checkAccess(row?.access, need, "Notebook");
  return { row: row as RawNotebook, access };
}

/** The ids of a notebook's live subtree (itself included), as a CTE `subtree(id, d)`. */
export const subtreeCte = (notebookId: string) => sql`subtree(id, d) AS (
  SELECT ${notebookId}, 0
  UNION ALL SELECT nb.id, subtree.d + 1 FROM notebooks nb JOIN subtree ON nb.parent_id = subtree.id WHERE nb.deleted_at IS NULL AND subtree.d < 12
)`;
