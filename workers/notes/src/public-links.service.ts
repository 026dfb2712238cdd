import { randomToken, sha256Hex } from "@edgeworks/auth";
import { iso, notFound } from "@edgeworks/http";
import { and, eq, isNull } from "drizzle-orm";
import { loadNoteOrThrow } from "./access";
import type { Db, ServiceDeps } from "./deps";
import { RAW_NOTE_COLUMNS, type RawNote } from "./note-row";
import { notes, publicLinks } from "./schema";

/**
 * Creates (or replaces, revoking the old one) the note's public read-only link; owner only. The token
 * (256 random bits) is returned once; only its SHA-256 is stored, so a database leak reveals no link.
 */
export async function createPublicLink(deps: ServiceDeps, noteId: string): Promise<{ token: string; createdAt: string }> {
  await loadNoteOrThrow(deps, noteId, "own");
  const token = randomToken(32);
  const now = deps.now();
  const tokenHash = await sha256Hex(token);
  await deps.db
    .insert(publicLinks)
    .values({ noteId, tokenHash, createdAt: now })
    .onConflictDoUpdate({ target: publicLinks.noteId, set: { tokenHash, createdAt: now } });
  return { token, createdAt: iso(now) };
}

/** Revokes the note's public link (owner only); 404 when it has none. */
export async function revokePublicLink(deps: ServiceDeps, noteId: string): Promise<void> {
  await loadNoteOrThrow(deps, noteId, "own");
  const res = await deps.db.delete(publicLinks).where(eq(publicLinks.noteId, noteId));
  if (res.meta.changes === 0) throw notFound("Public link");
}

/**
 * The live note behind a public token, or 404 (unknown, revoked, trashed). The lookup is by the token's
 * hash, an exact index match on a value an attacker cannot choose, so no timing reveals a prefix.
 */
export async function noteByPublicToken(db: Db, token: string): Promise<RawNote> {
  const row = await db
    .select(RAW_NOTE_COLUMNS)
    .from(publicLinks)
    .innerJoin(notes, eq(notes.id, publicLinks.noteId))
    .where(and(eq(publicLinks.tokenHash, await sha256Hex(token)), isNull(notes.deletedAt)))
    .get();
  if (!row) throw notFound("Public note");
  return row;
}
