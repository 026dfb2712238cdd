import { log } from "@edgeworks/http";
import { and, eq, isNotNull, lte, notExists, notInArray, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../deps";
import { notebooks as notebooksTable, notes as notesTable, shares } from "../schema";
import { purgeNotes } from "./purge-notes";

/** How long a note stays in the trash. */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * Empties the trash of every user: notes deleted at least 30 days before `now` are purged, then
 * deleted notebooks as old that no note refers to any more, leaves first (a notebook with children or
 * notes stays, so restoring a trashed note can always revive its notebook chain).
 */
export async function purgeTrash(db: Db, bucket: R2Bucket, now: number): Promise<{ notes: number; notebooks: number }> {
  const cutoff = now - TRASH_RETENTION_MS;
  let notes = 0;
  for (;;) {
    const rows = await db
      .select({ id: notesTable.id })
      .from(notesTable)
      .where(and(isNotNull(notesTable.deletedAt), lte(notesTable.deletedAt, cutoff)))
      .limit(BATCH);
    if (rows.length === 0) break;
    await purgeNotes(
      db,
      bucket,
      rows.map((r) => r.id),
    );
    notes += rows.length;
    if (rows.length < BATCH) break;
  }
  let notebooks = 0;
  const child = alias(notebooksTable, "c");
  const one = sql`1`;
  for (let level = 0; level < 12; level++) {
    const res = await db
      .delete(notebooksTable)
      .where(
        and(
          isNotNull(notebooksTable.deletedAt),
          lte(notebooksTable.deletedAt, cutoff),
          notExists(db.select({ one }).from(notesTable).where(eq(notesTable.notebookId, notebooksTable.id))),
          notExists(db.select({ one }).from(child).where(eq(child.parentId, notebooksTable.id))),
        ),
      );
    if (res.meta.changes === 0) break;
    notebooks += res.meta.changes;
  }
  await db
    .delete(shares)
    .where(and(eq(shares.itemType, "notebook"), notInArray(shares.itemId, db.select({ id: notebooksTable.id }).from(notebooksTable))));
  return { notes, notebooks };
}

/** The Worker's `scheduled` handler (cron trigger in wrangler.toml): runs the purge at the scheduled time. */
export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const work = purgeTrash(drizzle(env.DB), env.ATTACHMENTS, controller.scheduledTime).then((purged) =>
    log(env.LOG_LEVEL, "info", "trash purged", { ...purged, cron: controller.cron }),
  );
  ctx.waitUntil(work);
  await work;
}
