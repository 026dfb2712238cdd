// A minimal room for the package's tests, built only from its parts: migrations, the hub (ticket
// upgrade, replay, ready, presence), readFrame and Result RPCs.
import { DurableObject } from "cloudflare:workers";
import { TICKETS_DDL } from "@edgeworks/auth";
import { ApiError } from "@edgeworks/http";
import { z } from "zod";
import { asResult, migrate, pingFrame, type Result, readFrame, SocketHub, type SocketHubOptions } from "../src";

/** The test room's replay page: small, so that a few events make a paged replay. */
export const TEST_PAGE = 3;

export const ROOM_MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, body TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS members (user_id TEXT PRIMARY KEY);
   ${TICKETS_DDL}`,
  "ALTER TABLE members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0",
];

const clientFrame = z.discriminatedUnion("type", [pingFrame, z.strictObject({ type: z.literal("say"), text: z.string().max(100) })]);

export class TestRoom extends DurableObject<Cloudflare.Env> {
  /** The room's event log as the hub reads it: one bounded query per page. */
  readonly log: SocketHubOptions = {
    replayPage: (after, limit) => {
      if (after >= this.brokenAfter) throw new Error(`storage unavailable after ${after}`);
      return this.sql
        .exec("SELECT seq, type, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
        .toArray()
        .map((r) => ({ type: String(r.type), seq: Number(r.seq), ...JSON.parse(String(r.body)) }));
    },
    head: () => this.head(),
    pageSize: TEST_PAGE,
    onReplayError: (err) => this.replayErrors.push(String(err)),
  };
  /** Pages after this seq fail to read (a storage fault, for the tests). */
  private brokenAfter = Number.POSITIVE_INFINITY;
  private readonly replayErrors: string[] = [];
  readonly hub = new SocketHub(this.ctx, this.log);

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, ROOM_MIGRATIONS);
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  private head(): number {
    return Number(this.sql.exec("SELECT coalesce(max(seq), 0) AS s FROM events").one().s);
  }

  join(userId: string): Promise<Result<null>> {
    return asResult(() => {
      if (userId === "") throw new ApiError("validation_failed", "A user id is required");
      this.sql.exec("INSERT OR IGNORE INTO members (user_id) VALUES (?)", userId);
      return null;
    });
  }

  leave(userId: string): void {
    this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
    for (const ws of this.hub.sockets(userId)) this.hub.close(ws, 4003, "No longer a member");
  }

  ticket(userId: string): Promise<{ ticket: string; expiresAt: number }> {
    return this.hub.issueTicket(userId);
  }

  /** From now on, reading a replay page after `after` fails; returns the errors reported so far. */
  breakReplay(after: number): string[] {
    this.brokenAfter = after;
    return [...this.replayErrors];
  }

  /** Appends a numbered event and sends it to every socket (a replaying one reads it from the log). */
  post(userId: string, text: string): number {
    const seq = this.head() + 1;
    this.sql.exec("INSERT INTO events (seq, type, body) VALUES (?, 'said', ?)", seq, JSON.stringify({ userId, text }));
    this.hub.broadcastEvent({ type: "said", seq, userId, text });
    return seq;
  }

  /** Appends `count` events at once, sending nothing (a log that grew while nobody was connected). */
  seed(userId: string, count: number): void {
    this.ctx.storage.transactionSync(() => {
      for (let i = 1; i <= count; i++) {
        this.sql.exec(
          "INSERT INTO events (seq, type, body) VALUES (?, 'said', ?)",
          this.head() + 1,
          JSON.stringify({ userId, text: `m${i}` }),
        );
      }
    });
  }

  override fetch(request: Request): Promise<Response> {
    return this.hub.upgrade(request, {
      authorize: (userId) =>
        this.sql.exec("SELECT 1 FROM members WHERE user_id = ?", userId).toArray().length > 0
          ? null
          : { status: 403, code: "forbidden", detail: "Not a member" },
      state: (userId) => ({ userId }),
      opened: (ws) => {
        if (!this.hub.announcePresence()) this.hub.send(ws, { type: "presence", online: this.hub.connectedUsers() });
      },
    });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const read = readFrame(message, clientFrame, 1024);
    if (!read.ok) return this.hub.fail(ws, read.reason === "invalid" ? "invalid_frame" : read.reason, read.detail);
    const state = this.hub.stateOf(ws);
    if (read.frame.type === "ping") this.hub.send(ws, { type: "pong", ...(read.frame.id ? { id: read.frame.id } : {}) });
    else if (state) this.post(state.userId, read.frame.text);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.hub.closed(ws, code);
    this.hub.announcePresence();
  }
}

export default {
  async fetch(request: Request, env: Cloudflare.Env): Promise<Response> {
    const room = new URL(request.url).searchParams.get("room") ?? "default";
    return env.ROOM.get(env.ROOM.idFromName(room)).fetch(request);
  },
};
