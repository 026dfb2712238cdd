import { randomToken, sha256Hex } from "./crypto";

/**
 * Single-use WebSocket tickets kept in a Durable Object's SQLite. A ticket is an opaque random string
 * handed to the browser (which cannot set headers on a WebSocket); only its SHA-256 is stored, with
 * its user and expiry, so the table never holds a usable credential.
 */

/** How long a WebSocket ticket stays valid. */
export const TICKET_TTL_MS = 60_000;

/**
 * The tickets table. Part of deployed schemas (boards' first migration, chat's room schema): change it
 * through a new migration, never here.
 */
export const TICKETS_DDL =
  "CREATE TABLE IF NOT EXISTS tickets (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);";

/**
 * A fresh ticket (32 random bytes, base64url) and the hash to store. Async (hashing), so call it before
 * a synchronous transaction and store the hash inside it with {@link storeTicket}.
 *
 * @example const { ticket, hash } = await createTicket();
 */
export async function createTicket(): Promise<{ ticket: string; hash: string }> {
  const ticket = randomToken(32);
  return { ticket, hash: await sha256Hex(ticket) };
}

/**
 * Stores a ticket's hash for `userId` until `now + TICKET_TTL_MS` (returned, in ms) and drops expired ones.
 *
 * @example const expiresAt = storeTicket(ctx.storage.sql, hash, userId, Date.now());
 */
export function storeTicket(sql: SqlStorage, hash: string, userId: string, now: number): number {
  const expiresAt = now + TICKET_TTL_MS;
  sql.exec("DELETE FROM tickets WHERE expires_at <= ?", now);
  sql.exec("INSERT INTO tickets (hash, user_id, expires_at) VALUES (?, ?, ?)", hash, userId, expiresAt);
  return expiresAt;
}

/**
 * The live ticket with this hash, without consuming it (e.g. to answer 426 to a valid ticket sent
 * without an upgrade, leaving it usable).
 *
 * @example const found = findTicket(sql, await sha256Hex(param), Date.now());
 */
export function findTicket(sql: SqlStorage, hash: string, now: number): { userId: string } | null {
  const row = sql.exec("SELECT user_id, expires_at FROM tickets WHERE hash = ?", hash).toArray()[0];
  if (!row || Number(row.expires_at) <= now) return null;
  return { userId: String(row.user_id) };
}

/**
 * Consumes the ticket with this hash: its user if it existed and had not expired (an expired one is
 * deleted too). One synchronous DELETE … RETURNING, so two upgrades with one ticket cannot both pass.
 *
 * @example const taken = takeTicket(sql, await sha256Hex(param), Date.now());
 */
export function takeTicket(sql: SqlStorage, hash: string, now: number): { userId: string } | null {
  const row = sql.exec("DELETE FROM tickets WHERE hash = ? RETURNING user_id, expires_at", hash).toArray()[0];
  if (!row || Number(row.expires_at) <= now) return null;
  return { userId: String(row.user_id) };
}
