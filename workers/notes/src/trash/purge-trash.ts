import { log } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../deps";
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
    const rows = await db.all<{ id: string }>(
      sql`SELECT id FROM notes WHERE deleted_at IS NOT NULL AND deleted_at <= ${cutoff} LIMIT ${BATCH}`,
    );
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
  for (let level = 0; level < 12; level++) {
    const res = await db.run(sql`DELETE FROM notebooks WHERE deleted_at IS NOT NULL AND deleted_at <= ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM notes WHERE notes.notebook_id = notebooks.id)
      AND NOT EXISTS (SELECT 1 FROM notebooks c WHERE c.parent_id = notebooks.id)`);
    if (res.meta.changes === 0) break;
    notebooks += res.meta.changes;
  }
  await db.run(sql`DELETE FROM shares WHERE item_type = 'notebook' AND item_id NOT IN (SELECT id FROM notebooks)`);
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
