import { DurableObject } from "cloudflare:workers";
import { log } from "@edgeworks/http";
import { migrate } from "@edgeworks/realtime";
import { count, eq, lt, sql } from "drizzle-orm";
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { roomStub } from "../deps";
import { roomsOf } from "./memberships";
import { conns } from "./presence.schema";

/**
 * The presence object's SQLite schema, in order (append only). Version 1 is the table it had before
 * versioning, with IF NOT EXISTS so that existing objects adopt it unchanged. presence.schema.ts
 * declares it for the drizzle builder (test/do-schema.test.ts keeps the two in step).
 */
export const PRESENCE_MIGRATIONS = [
  "CREATE TABLE IF NOT EXISTS conns (conn_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, last_seen INTEGER NOT NULL)",
] as const;

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
 * Each transition (online ↔ offline) is announced to every room the user is a member of, numbered by
 * a version so that a room applies announcements in order even if they arrive out of order.
 */
export class Presence extends DurableObject<Env> {
  /** The storage through drizzle's durable-sqlite builder: synchronous, so no call interleaves a read and a write. */
  private readonly db: DrizzleSqliteDODatabase;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, PRESENCE_MIGRATIONS);
    });
  }

  private count(): number {
    return this.db.select({ n: count() }).from(conns).get()?.n ?? 0;
  }

  private upsert(connId: string, roomId: string, now: number): void {
    this.db
      .insert(conns)
      .values({ connId, roomId, lastSeen: now })
      .onConflictDoUpdate({ target: conns.connId, set: { lastSeen: sql`excluded.last_seen` } })
      .run();
  }

  /** Records a transition and tells the user's rooms, off the caller's path. */
  private announce(online: boolean): void {
    const userId = this.ctx.storage.kv.get<string>("userId");
    if (userId === undefined) return;
    const version = (this.ctx.storage.kv.get<number>("version") ?? 0) + 1;
    this.ctx.storage.kv.put("version", version);
    if (!online) this.ctx.storage.kv.put("lastSeenAt", Date.now());
    this.ctx.waitUntil(
      (async () => {
        const roomIds = await roomsOf(this.env.DB, userId);
        await Promise.all(roomIds.map((roomId) => roomStub(this.env, roomId).presenceChanged(roomId, userId, online, version)));
      })().catch((err) => log(this.env.LOG_LEVEL, "warn", "presence announcement failed", { error: String(err) })),
    );
  }

  /** Drops stale connections; if that leaves none, the user goes offline. */
  private purge(now: number): void {
    if (this.count() === 0) return;
    this.db
      .delete(conns)
      .where(lt(conns.lastSeen, now - STALE_CONNECTION_MS))
      .run();
    if (this.count() === 0) this.announce(false);
  }

  async socketOpened(userId: string, connId: string, roomId: string): Promise<void> {
    const now = Date.now();
    this.ctx.storage.kv.put("userId", userId);
    const before = this.count();
    this.upsert(connId, roomId, now);
    if (before === 0) this.announce(true);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + STALE_CONNECTION_MS);
  }

  async socketClosed(connId: string): Promise<void> {
    // durable-sqlite's run() reports no row count: RETURNING says whether this socket was still known
    const removed = this.db.delete(conns).where(eq(conns.connId, connId)).returning({ connId: conns.connId }).all();
    if (removed.length > 0 && this.count() === 0) this.announce(false);
  }

  /** A room vouches that these sockets are still open. */
  async heartbeat(connIds: string[], roomId: string): Promise<void> {
    const now = Date.now();
    const before = this.count();
    for (const connId of connIds) this.upsert(connId, roomId, now);
    if (before === 0 && connIds.length > 0) this.announce(true);
  }

  /** Online or not, with the version of the last transition (for a room that starts following this user). */
  async status(): Promise<PresenceStatus & { version: number }> {
    this.purge(Date.now());
    const version = this.ctx.storage.kv.get<number>("version") ?? 0;
    if (this.count() > 0) return { online: true, lastSeenAt: null, version };
    const at = this.ctx.storage.kv.get<number>("lastSeenAt");
    return { online: false, lastSeenAt: at === undefined ? null : new Date(at).toISOString(), version };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.purge(now);
    if (this.count() > 0) await this.ctx.storage.setAlarm(now + STALE_CONNECTION_MS);
  }
}
