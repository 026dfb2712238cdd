import { DurableObject } from "cloudflare:workers";
import { log } from "@edgeworks/http";
import { SocketHub } from "@edgeworks/realtime";
import { presenceStub } from "../deps";
import { addAttachment, findAttachment, type NewAttachment } from "./attachment-store";
import { STORED_EVENT_TYPES } from "./chat-room.events";
import type { ServerFrame, StoredEvent } from "./chat-room.protocol";
import { memberRole } from "./memberships";
import { QueueBatcher } from "./queue-batcher";
import { RateBuckets } from "./rate-bucket";
import { handleFrame, type RoomContext } from "./room-frames";
import { historyPage, summaryFor } from "./room-history";
import { forgetPresence, onlineElsewhere, recordPresence } from "./room-presence";
import { appendEvent, eventPage, headSeq, migrateRoom, REPLAY_PAGE, type RoomDb, readMeta, roomDb, writeMeta } from "./room-store";

/** Per-socket state, kept in the socket's attachment so that it survives hibernation. */
export interface SocketState {
  userId: string;
  connId: string;
  connectedAt: number;
  /** The last frame received from the client (auto-answered pings are tracked by the runtime). */
  lastSeenAt: number;
}

/** A socket that has sent nothing (not even a ping) for this long is closed: the user stops answering. */
export const IDLE_TIMEOUT_MS = 70_000;
/** How stale `lastSeenAt` may be (it is rewritten at most this often). */
const LAST_SEEN_RESOLUTION_MS = 10_000;
/** How often the room checks for silent sockets and refreshes its users' presence. */
export const SWEEP_INTERVAL_MS = 30_000;
/** Close code for a socket the server closes because its user left or was removed. */
export const CLOSE_REMOVED = 4003;
/** Close code for a socket that stopped answering. */
export const CLOSE_IDLE = 4000;

const isStored = (frame: ServerFrame): frame is StoredEvent => STORED_EVENT_TYPES.has(frame.type);

export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';

export type MemberChange = { userId: string; action: "joined" | "left" | "removed" | "role"; role: string | null; byUserId: string };

/**
 * One chat room (`idFromName(roomId)`): its sockets (WebSocket Hibernation API), its event log in
 * SQLite (every stored event numbered by `seq`), its messages, tickets and read positions. Nothing
 * lives only in memory except a rate bucket: after hibernation the constructor reloads the head seq
 * from storage and each socket's user from its attachment.
 */
export class ChatRoom extends DurableObject<Env> implements RoomContext {
  head = 0;
  roomId: string | null = null;
  readonly buckets = new RateBuckets();
  readonly typingAt = new Map<string, number>();
  readonly searchQueue: QueueBatcher;
  readonly notifyQueue: QueueBatcher;
  /** The sockets: ticket upgrade, paged replay, attachments, broadcast and presence (packages/realtime). */
  private readonly hub: SocketHub<SocketState>;
  /** The room's storage through drizzle's durable-sqlite builder (synchronous queries). */
  readonly db: RoomDb;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = roomDb(ctx.storage);
    // a replay is sent a page (one bounded query) per turn of the room, ready after the last (SocketHub)
    this.hub = new SocketHub<SocketState>(ctx, {
      replayPage: (after, limit) => eventPage(this.db, after, limit),
      head: () => this.head,
      pageSize: REPLAY_PAGE,
      onReplayError: (err) => log(env.LOG_LEVEL, "error", "replay failed", { error: String(err) }),
    });
    this.searchQueue = new QueueBatcher(env.SEARCH_QUEUE, ctx, env.LOG_LEVEL);
    this.notifyQueue = new QueueBatcher(env.NOTIFY_QUEUE, ctx, env.LOG_LEVEL);
    ctx.blockConcurrencyWhile(async () => {
      migrateRoom(ctx.storage);
      this.head = headSeq(this.db);
      this.roomId = readMeta(this.db, "roomId");
    });
    // plain pings are answered without waking the object; the runtime records when
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  /** A socket's state: its attachment, read once per instance. */
  stateOf(ws: WebSocket): SocketState | null {
    return this.hub.stateOf(ws);
  }

  /** Writes a socket's state to its attachment (what survives hibernation). */
  setState(ws: WebSocket, state: SocketState | null): void {
    this.hub.setState(ws, state);
  }

  get bindings(): Env {
    return this.env;
  }

  get state(): DurableObjectState {
    return this.ctx;
  }

  private bind(roomId: string): void {
    if (this.roomId === roomId) return;
    if (this.roomId !== null) throw new Error("room id mismatch");
    writeMeta(this.db, "roomId", roomId);
    this.roomId = roomId;
  }

  /** Issues a single-use ticket for `userId` (the Worker has checked membership). */
  async issueTicket(roomId: string, userId: string): Promise<{ ticket: string; expiresAt: number }> {
    this.bind(roomId);
    return this.hub.issueTicket(userId);
  }

  /** A page of history, readable with nobody connected. */
  async history(roomId: string, before: number | null, limit: number) {
    this.bind(roomId);
    // the page and the head come from one synchronous read: connect with since=headSeq to continue it
    return { ...historyPage(this.db, before, limit), headSeq: this.head };
  }

  /** The last message and the user's unread count, for the room list. */
  async summary(roomId: string, userId: string) {
    this.bind(roomId);
    return { ...summaryFor(this.db, userId), headSeq: this.head };
  }

  /** Records a membership change as a stored event; a user who left or was removed is disconnected. */
  async memberChanged(roomId: string, change: MemberChange): Promise<number> {
    this.bind(roomId);
    const event = this.store({ type: "member", ...change, createdAt: new Date().toISOString() });
    if (change.action === "joined") {
      try {
        const status = await this.presenceOf(change.userId).status();
        this.applyPresence(change.userId, status.online, status.version);
      } catch (err) {
        log(this.env.LOG_LEVEL, "warn", "presence lookup failed", { error: String(err) });
      }
    }
    if (change.action === "left" || change.action === "removed") {
      forgetPresence(this.db, change.userId);
      for (const ws of this.socketsOf(change.userId)) {
        this.hub.close(ws, CLOSE_REMOVED, "No longer a member of this room");
        await this.socketGone(ws);
      }
    }
    this.announcePresence();
    return event.seq;
  }

  /** Records a rename as a stored event. */
  async renamed(roomId: string, name: string | null, byUserId: string): Promise<number> {
    this.bind(roomId);
    return this.store({ type: "room", name, byUserId, createdAt: new Date().toISOString() }).seq;
  }

  /** Remembers an uploaded file so that a message of its uploader can attach it. */
  async addAttachment(roomId: string, a: NewAttachment): Promise<void> {
    this.bind(roomId);
    addAttachment(this.db, a, Date.now());
  }

  /** An attachment's metadata, or null; a file of a deleted message is gone. */
  async getAttachment(roomId: string, id: string) {
    this.bind(roomId);
    return findAttachment(this.db, id);
  }

  /** Appends a stored event and sends it to every socket. */
  store(body: Parameters<typeof appendEvent>[2]): StoredEvent {
    const event = appendEvent(this.db, this.head, body, Date.now());
    this.head = event.seq;
    this.broadcast(event);
    return event;
  }

  /** Sends a frame to every socket that passes `filter`; a stored event skips sockets still being replayed to (they read it from storage, in order). */
  broadcast(frame: ServerFrame, filter: (s: SocketState) => boolean = () => true): void {
    if (isStored(frame)) this.hub.broadcastEvent(frame, filter);
    else this.hub.broadcast(frame, filter);
  }

  /** The open sockets of one user (from the attachments: user ids are not limited like socket tags). */
  socketsOf(userId: string): WebSocket[] {
    return this.hub.sockets(userId);
  }

  /** The distinct users with an open socket in this room. */
  connectedUsers(except?: WebSocket): string[] {
    return this.hub.connectedUsers(except);
  }

  /** The members online anywhere: connected here, or announced online by their presence object. */
  onlineUsers(except?: WebSocket): string[] {
    const users = new Set(this.connectedUsers(except));
    for (const userId of onlineElsewhere(this.db)) users.add(userId);
    return [...users].sort();
  }

  /** A member's presence object announces a transition; older announcements than the last applied are ignored. */
  async presenceChanged(roomId: string, userId: string, online: boolean, version: number): Promise<void> {
    this.bind(roomId);
    this.applyPresence(userId, online, version);
    this.announcePresence();
  }

  /**
   * Sends `presence` to every socket when the room's online set differs from the last one sent (so
   * each change is announced once); returns whether it did.
   */
  private announcePresence(except?: WebSocket): boolean {
    return this.hub.announcePresence(this.onlineUsers(except), except);
  }

  private applyPresence(userId: string, online: boolean, version: number): void {
    recordPresence(this.db, userId, online, version);
  }

  presenceOf(userId: string) {
    return presenceStub(this.env, userId);
  }

  /** The upgrade (SocketHub.upgrade): ticket (401), WebSocket (426), membership in D1 (403), replay after `since`, `ready`. */
  override async fetch(request: Request): Promise<Response> {
    const roomId = request.headers.get("X-Chat-Room-Id") ?? "";
    this.bind(roomId);
    return this.hub.upgrade(request, {
      authorize: async (userId) => {
        const role = await memberRole(this.env.DB, roomId, userId);
        return role === null ? { status: 403, code: "forbidden", detail: "You are no longer a member of this room" } : null;
      },
      state: (userId, now) => ({ userId, connId: crypto.randomUUID(), connectedAt: now, lastSeenAt: now }),
      opened: async (ws, state) => {
        if (!this.announcePresence()) this.hub.send(ws, { type: "presence", online: this.onlineUsers() } satisfies ServerFrame);
        await this.scheduleSweep();
        try {
          await this.presenceOf(state.userId).socketOpened(state.userId, state.connId, roomId);
        } catch (err) {
          log(this.env.LOG_LEVEL, "warn", "presence connect failed", { error: String(err) });
        }
      },
    });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.stateOf(ws);
    if (!state) return ws.close(1011, "Unknown socket");
    const now = Date.now();
    // the idle check has 30 s granularity: refreshing the attachment every 10 s is enough
    if (now - state.lastSeenAt > LAST_SEEN_RESOLUTION_MS) this.setState(ws, { ...state, lastSeenAt: now });
    await handleFrame(this, ws, state, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.forget(ws, this.hub.closed(ws, code));
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  /** A socket closed (by either side or for silence): presence is updated, here and for the user. */
  async socketGone(ws: WebSocket): Promise<void> {
    const state = this.stateOf(ws);
    if (!state) return;
    this.setState(ws, null);
    await this.forget(ws, state);
  }

  private async forget(ws: WebSocket, state: SocketState | null): Promise<void> {
    if (!state) return;
    this.announcePresence(ws);
    try {
      await this.presenceOf(state.userId).socketClosed(state.connId);
    } catch (err) {
      log(this.env.LOG_LEVEL, "warn", "presence disconnect failed", { error: String(err) });
    }
  }

  private async scheduleSweep(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
  }

  /** Closes sockets that stopped answering and keeps the users' presence of the others fresh. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const alive = new Map<string, string[]>();
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.stateOf(ws);
      if (!state) continue;
      const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (now - Math.max(state.lastSeenAt, pinged) > IDLE_TIMEOUT_MS) {
        this.hub.close(ws, CLOSE_IDLE, "No ping received");
        await this.socketGone(ws);
        continue;
      }
      alive.set(state.userId, [...(alive.get(state.userId) ?? []), state.connId]);
    }
    await Promise.allSettled([...alive].map(([userId, connIds]) => this.presenceOf(userId).heartbeat(connIds, this.roomId ?? "")));
    if (alive.size > 0) await this.ctx.storage.setAlarm(now + SWEEP_INTERVAL_MS);
  }
}
