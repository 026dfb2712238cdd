/**
 * Epoch milliseconds (how every product stores time) as the ISO-8601 UTC string its API answers with;
 * null stays null, for optional timestamps (`completedAt`, `expiresAt`).
 *
 * @example
 * iso(0) // "1970-01-01T00:00:00.000Z"
 * iso(row.deleted_at) // string | null
 */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
