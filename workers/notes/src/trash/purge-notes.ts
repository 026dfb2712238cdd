import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../deps";
import { attachments, notes, publicLinks, revisions, shares } from "../schema";

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
    const keys = await db.select({ r2Key: attachments.r2Key }).from(attachments).where(inArray(attachments.noteId, ids));
    await db.batch([
      db.delete(revisions).where(inArray(revisions.noteId, ids)),
      db.delete(shares).where(and(eq(shares.itemType, "note"), inArray(shares.itemId, ids))),
      db.delete(publicLinks).where(inArray(publicLinks.noteId, ids)),
      db.delete(attachments).where(inArray(attachments.noteId, ids)),
      db.delete(notes).where(inArray(notes.id, ids)),
    ]);
    if (keys.length > 0) await bucket.delete(keys.map((k) => k.r2Key));
  }
}
