import { randomToken, sha256Hex } from "@edgeworks/auth";

/** How long a WebSocket ticket stays valid. */
export const TICKET_TTL_MS = 60_000;

/** A ticket is an opaque random string; only its SHA-256 is stored, with its user and expiry. */
export async function issueTicket(sql: SqlStorage, userId: string, now: number): Promise<{ ticket: string; expiresAt: number }> {
  const ticket = randomToken(32);
  const hash = await sha256Hex(ticket);
  sql.exec("DELETE FROM tickets WHERE expires_at <= ?", now);
  sql.exec("INSERT INTO tickets (hash, user_id, expires_at) VALUES (?, ?, ?)", hash, userId, now + TICKET_TTL_MS);
  return { ticket, expiresAt: now + TICKET_TTL_MS };
}

/** The live ticket with this hash, without consuming it. */
export function findTicket(sql: SqlStorage, hash: string, now: number): { userId: string } | null {
  const row = sql.exec("SELECT user_id, expires_at FROM tickets WHERE hash = ?", hash).toArray()[0];
  if (!row || Number(row.expires_at) <= now) return null;
  return { userId: String(row.user_id) };
}

/** Consumes a ticket (single use). Synchronous, so two upgrades with one ticket cannot both pass. */
export const consumeTicket = (sql: SqlStorage, hash: string): boolean =>
  sql.exec("DELETE FROM tickets WHERE hash = ?", hash).rowsWritten > 0;
