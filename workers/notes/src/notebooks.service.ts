import { ApiError, decodeCursor, encodeCursor, invalidCursor, iso, toPage } from "@edgeworks/http";
import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { loadNotebookOrThrow, type RawNotebook, subtreeCte } from "./access";
import { runBatch } from "./batch";
import type { ServiceDeps } from "./deps";
import { MAX_NOTEBOOK_DEPTH } from "./fields";
import { notebooks } from "./schema";
import type { Access, CreateNotebookInput, Notebook, UpdateNotebookInput } from "./validation";

export const toNotebook = (r: RawNotebook, access: Access): Notebook => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  access,
});

const tooDeep = () => new ApiError("conflict", `Notebooks nest at most ${MAX_NOTEBOOK_DEPTH} levels deep`);

/** How deep a notebook sits (a top-level notebook is at depth 1). */
async function depthOf({ db }: ServiceDeps, notebookId: string): Promise<number> {
  const [row] = await db.all<{ depth: number }>(sql`WITH RECURSIVE anc(id, d) AS (
      SELECT ${notebookId}, 1
      UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
    ) SELECT max(d) AS depth FROM anc`);
  return row?.depth ?? 1;
}

/** Creates a notebook at the top level or under one of the caller's notebooks (409 past the depth limit). */
export async function createNotebook(deps: ServiceDeps, input: CreateNotebookInput): Promise<Notebook> {
  const parentId = input.parentId ?? null;
  if (parentId !== null) {
    await loadNotebookOrThrow(deps, parentId, "own");
    if ((await depthOf(deps, parentId)) >= MAX_NOTEBOOK_DEPTH) throw tooDeep();
  }
  const now = deps.now();
  const row: RawNotebook = { id: nanoid(), user_id: deps.userId, parent_id: parentId, name: input.name, created_at: now, updated_at: now };
  await deps.db
    .insert(notebooks)
    .values({ id: row.id, userId: row.user_id, parentId: row.parent_id, name: row.name, createdAt: now, updatedAt: now });
  return toNotebook(row, "owner");
}

export async function getNotebook(deps: ServiceDeps, id: string): Promise<Notebook> {
  const { row, access } = await loadNotebookOrThrow(deps, id, "read");
  return toNotebook(row, access);
}

/**
 * The caller's own live notebooks, oldest first, keyset-paginated; with `parentId`, the sub-notebooks of a
 * notebook the caller may read (how a sharee walks a shared tree), with the parent's access.
 */
export async function listNotebooks(
  deps: ServiceDeps,
  query: { limit: number; cursor?: string; parentId?: string },
): Promise<{ items: Notebook[]; nextCursor: string | null }> {
  const { db, userId } = deps;
  let scope = eq(notebooks.userId, userId);
  let access: Access = "owner";
  if (query.parentId !== undefined) {
    access = (await loadNotebookOrThrow(deps, query.parentId, "read")).access;
    scope = eq(notebooks.parentId, query.parentId);
  }
  const cursorScope = "notebooks";
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [t, id] = decodeCursor(cursorScope, query.cursor, 2);
    if (typeof t !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${notebooks.createdAt}, ${notebooks.id}) > (${t}, ${id})`;
  }
  const rows: RawNotebook[] = await db
    .select({
      id: notebooks.id,
      user_id: notebooks.userId,
      parent_id: notebooks.parentId,
      name: notebooks.name,
      created_at: notebooks.createdAt,
      updated_at: notebooks.updatedAt,
    })
    .from(notebooks)
    .where(and(scope, isNull(notebooks.deletedAt), after))
    .orderBy(asc(notebooks.createdAt), asc(notebooks.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(cursorScope, [last.created_at, last.id]));
  return { items: page.items.map((r) => toNotebook(r, access)), nextCursor: page.nextCursor };
}

/**
 * Renames (owner or editor) and/or moves (owner only) a notebook; its subtree moves along. The move is one
 * conditional UPDATE that re-checks "not into its own subtree" and the depth limit, so two concurrent
 * moves can never build a cycle; when it changes nothing, the reason is 409.
 */
export async function updateNotebook(deps: ServiceDeps, id: string, patch: UpdateNotebookInput): Promise<Notebook> {
  const moving = patch.parentId !== undefined;
  const { row, access } = await loadNotebookOrThrow(deps, id, moving ? "own" : "edit");
  if (!moving && patch.name === undefined) return toNotebook(row, access);
  const now = deps.now();
  const name = patch.name ?? row.name;
  if (!moving) {
    await deps.db
      .update(notebooks)
      .set({ name, updatedAt: now })
      .where(and(eq(notebooks.id, id), isNull(notebooks.deletedAt)));
    return toNotebook({ ...row, name, updated_at: now }, access);
  }
  const parentId = patch.parentId ?? null;
  if (parentId === id) throw new ApiError("conflict", "A notebook cannot be moved into itself");
  if (parentId !== null) await loadNotebookOrThrow(deps, parentId, "own");
  const res = await deps.db.run(sql`WITH RECURSIVE
      anc(id, d) AS (
        SELECT ${parentId}, 1 WHERE ${parentId} IS NOT NULL
        UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
      ),
      ${subtreeCte(id)}
    UPDATE notebooks SET parent_id = ${parentId}, name = ${name}, updated_at = ${now}
    WHERE id = ${id} AND user_id = ${deps.userId} AND deleted_at IS NULL
      AND ${id} NOT IN (SELECT id FROM anc)
      AND coalesce((SELECT max(d) FROM anc), 0) + (SELECT max(d) + 1 FROM subtree) <= ${MAX_NOTEBOOK_DEPTH}`);
  if (res.meta.changes === 0) {
    const [cycle] = await deps.db.all<{ hit: number }>(sql`WITH RECURSIVE anc(id, d) AS (
        SELECT ${parentId}, 1
        UNION ALL SELECT nb.parent_id, anc.d + 1 FROM notebooks nb JOIN anc ON nb.id = anc.id WHERE nb.parent_id IS NOT NULL AND anc.d < 12
      ) SELECT 1 AS hit FROM anc WHERE id = ${id}`);
    if (cycle) throw new ApiError("conflict", "A notebook cannot be moved into its own subtree");
    throw tooDeep();
  }
  return toNotebook({ ...row, parent_id: parentId, name, updated_at: now }, access);
}

/** Deletes a notebook with its subtree; their notes go to the trash (restoring one revives its notebooks). */
export async function deleteNotebook(deps: ServiceDeps, id: string): Promise<void> {
  await loadNotebookOrThrow(deps, id, "own");
  const now = deps.now();
  await runBatch(deps.db, [
    sql`WITH RECURSIVE ${subtreeCte(id)}
      UPDATE notes SET deleted_at = ${now} WHERE deleted_at IS NULL AND notebook_id IN (SELECT id FROM subtree)`,
    sql`WITH RECURSIVE ${subtreeCte(id)}
      UPDATE notebooks SET deleted_at = ${now}, updated_at = ${now} WHERE id IN (SELECT id FROM subtree)`,
  ]);
}
