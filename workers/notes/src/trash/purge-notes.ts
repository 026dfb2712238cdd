import { sql } from "drizzle-orm";
import { runBatch } from "../batch";
import type { Db } from "../deps";

/** D1 binds at most 100 parameters per statement; ids go in chunks below that. */
const CHUNK = 50;

/**
 * Deletes notes for good with everything hanging off them: revisions, shares, public link,
 * attachment rows, and the attachments' bytes in R2. The rows go in one batch per chunk (atomic);
 * R2 objects are deleted after, so a failure leaves at worst unreferenced bytes, never a dangling row.
 */
export async function purgeNotes(db: Db, bucket: R2Bucket, noteIds: string[]): Promise<void> {
  for (let i = 0; i < noteIds.length; i += CHUNK) {
    const ids = noteIds.slice(i, i + CHUNK);
    const list = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    const keys = await db.all<{ r2_key: string }>(sql`SELECT r2_key FROM attachments WHERE note_id IN (${list})`);
    await runBatch(db, [
      sql`DELETE FROM revisions WHERE note_id IN (${list})`,
      sql`DELETE FROM shares WHERE item_type = 'note' AND item_id IN (${list})`,
      sql`DELETE FROM public_links WHERE note_id IN (${list})`,
      sql`DELETE FROM attachments WHERE note_id IN (${list})`,
      sql`DELETE FROM notes WHERE id IN (${list})`,
    ]);
    if (keys.length > 0) await bucket.delete(keys.map((k) => k.r2_key));
  }
}
