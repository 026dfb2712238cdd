import { DurableObject } from "cloudflare:workers";

/** A connection not refreshed by its room for this long is presumed dead (its room crashed or was evicted). */
export const STALE_CONNECTION_MS = 120_000;

export interface PresenceStatus {
  online: boolean;
  /** When the user's last socket closed; null while online or if never seen. */
  lastSeenAt: string | null;
}

/**
 * The presence of one user (`idFromName(userId)`) across all rooms and devices: the set of open
 * sockets, registered by the rooms on connect and removed on close; rooms refresh them every 30 s, so
 * a socket whose room vanished without a close expires. Online = at least one live socket.
 */
export class Presence extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS conns (conn_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, last_seen INTEGER NOT NULL)",
      );
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  private count(): number {
    return this.sql.exec("SELECT count(*) AS n FROM conns").one().n as number;
  }

  /** Drops stale connections; if that leaves none, the user went offline when the newest of them was last seen. */
  private purge(now: number): void {
    const before = this.count();
    if (before === 0) return;
    const newest = this.sql.exec("SELECT max(last_seen) AS t FROM conns").one().t as number;
    this.sql.exec("DELETE FROM conns WHERE last_seen < ?", now - STALE_CONNECTION_MS);
    if (this.count() === 0) this.ctx.storage.kv.put("lastSeenAt", newest);
  }

  async socketOpened(connId: string, roomId: string): Promise<void> {
    const now = Date.now();
    this.sql.exec(
      "INSERT INTO conns (conn_id, room_id, last_seen) VALUES (?, ?, ?) ON CONFLICT (conn_id) DO UPDATE SET last_seen = excluded.last_seen",
      connId,
      roomId,
      now,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + STALE_CONNECTION_MS);
  }

  async socketClosed(connId: string): Promise<void> {
    const removed = this.sql.exec("DELETE FROM conns WHERE conn_id = ?", connId).rowsWritten;
    if (removed > 0 && this.count() === 0) this.ctx.storage.kv.put("lastSeenAt", Date.now());
  }

  /** A room vouches that these sockets are still open. */
  async heartbeat(connIds: string[], roomId: string): Promise<void> {
    const now = Date.now();
    for (const connId of connIds) {
      this.sql.exec(
        "INSERT INTO conns (conn_id, room_id, last_seen) VALUES (?, ?, ?) ON CONFLICT (conn_id) DO UPDATE SET last_seen = excluded.last_seen",
        connId,
        roomId,
        now,
      );
    }
  }

  async status(): Promise<PresenceStatus> {
    this.purge(Date.now());
    if (this.count() > 0) return { online: true, lastSeenAt: null };
    const at = this.ctx.storage.kv.get<number>("lastSeenAt");
    return { online: false, lastSeenAt: at === undefined ? null : new Date(at).toISOString() };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.purge(now);
    if (this.count() > 0) await this.ctx.storage.setAlarm(now + STALE_CONNECTION_MS);
  }
}
