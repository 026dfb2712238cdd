import { randomToken, sha256Hex } from "@edgeworks/auth";
import { iso, notFound } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { loadNoteOrThrow } from "./access";
import type { Db, ServiceDeps } from "./deps";
import type { RawNote } from "./note-row";

/**
 * Creates (or replaces, revoking the old one) the note's public read-only link; owner only. The token
 * (256 random bits) is returned once; only its SHA-256 is stored, so a database leak reveals no link.
 */
export async function createPublicLink(deps: ServiceDeps, noteId: string): Promise<{ token: string; createdAt: string }> {
  await loadNoteOrThrow(deps, noteId, "own");
  const token = randomToken(32);
  const now = deps.now();
  await deps.db.run(sql`INSERT INTO public_links (note_id, token_hash, created_at) VALUES (${noteId}, ${await sha256Hex(token)}, ${now})
    ON CONFLICT (note_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`);
  return { token, createdAt: iso(now) };
}

/** Revokes the note's public link (owner only); 404 when it has none. */
export async function revokePublicLink(deps: ServiceDeps, noteId: string): Promise<void> {
  await loadNoteOrThrow(deps, noteId, "own");
  const res = await deps.db.run(sql`DELETE FROM public_links WHERE note_id = ${noteId}`);
  if (res.meta.changes === 0) throw notFound("Public link");
}

/**
 * The live note behind a public token, or 404 (unknown, revoked, trashed). The lookup is by the token's
 * hash, an exact index match on a value an attacker cannot choose, so no timing reveals a prefix.
 */
export async function noteByPublicToken(db: Db, token: string): Promise<RawNote> {
  const [row] = await db.all<RawNote>(sql`SELECT n.* FROM public_links p JOIN notes n ON n.id = p.note_id
    WHERE p.token_hash = ${await sha256Hex(token)} AND n.deleted_at IS NULL`);
  if (!row) throw notFound("Public note");
  return row;
}
