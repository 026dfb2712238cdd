import { createTicket, findTicket, sha256Hex, storeTicket, takeTicket } from "@edgeworks/auth";
import type { ErrorFrame, EventFrame, PresenceFrame, ReadyFrame } from "./frames";
import { REPLAY_PAGE, type SocketHubOptions, type SocketState, type UpgradeOptions } from "./hub-options";
import { badTicket, isUpgrade, refusalResponse } from "./refusal";

const TICKET_MAX = 200;

/**
 * A Durable Object's sockets (WebSocket Hibernation API): the ticket-checked upgrade with paged replay
 * and `ready`, per-socket state in `serializeAttachment`, broadcast, and presence. Nothing it needs
 * lives only in memory: after hibernation the state, and a replay's cursor, are read back from the
 * attachments.
 *
 * Replay: the first page (`pageSize` events after `since`) is sent in the upgrade's turn; if there is
 * more, the socket's attachment keeps the last seq sent and one page is sent per later turn
 * (`setTimeout(0)`), so a long log is never queued at once and the object serves others in between.
 * `ready {seq: head}` follows the last page in the same turn. Stored events are sent with
 * `broadcastEvent`, which skips a socket still being replayed to: it reads them from the log, in order,
 * so nothing is lost or sent twice. A fresh instance (after hibernation or eviction) restarts the
 * unfinished replays from their cursors on its first use of the hub.
 *
 * @example
 * class Room extends DurableObject<Env> {
 *   readonly hub = new SocketHub<SocketState>(this.ctx, {
 *     replayPage: (after, limit) => eventPage(this.sql, after, limit), head: () => headSeq(this.sql) });
 *   override fetch(req: Request) {
 *     return this.hub.upgrade(req, { authorize: () => null, state: (userId) => ({ userId }) });
 *   }
 * }
 */
export class SocketHub<S extends SocketState = SocketState> {
  private readonly states = new WeakMap<WebSocket, S | null>();
  /** The online set last sent (undefined after hibernation: the next one is sent in any case). */
  private lastPresence: string | undefined;
  /** Sockets whose next page is scheduled in this instance. */
  private readonly pumping = new Set<WebSocket>();
  /** Whether this instance has restarted the replays an earlier one left unfinished. */
  private woken = false;
  private readonly pageSize: number;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly log: SocketHubOptions,
  ) {
    const size = log.pageSize ?? REPLAY_PAGE;
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError("pageSize must be a positive integer");
    this.pageSize = size;
  }

  /**
   * A single-use ticket for `userId`, valid 60 s; only its hash is stored (the object's migrations
   * must create `TICKETS_DDL`). `check` runs right before the hash is stored, in the same turn.
   */
  async issueTicket(userId: string, check?: () => void): Promise<{ ticket: string; expiresAt: number }> {
    const { ticket, hash } = await createTicket();
    check?.();
    return { ticket, expiresAt: storeTicket(this.ctx.storage.sql, hash, userId, Date.now()) };
  }

  /**
   * The upgrade (`?ticket=…&since=N`): 401 for a bad ticket, 426 for a plain request (the ticket stays
   * usable), then the ticket is spent (DELETE … RETURNING: it works once) and `authorize` may refuse.
   * The first page of events after `since` is sent in the same synchronous turn as the accept, then
   * `ready` if that was all, else the rest a page per turn (see the class); without `since`, `ready`
   * comes first. Either way no live event can slip between the replay and the live stream.
   */
  async upgrade(request: Request, opts: UpgradeOptions<S>): Promise<Response> {
    this.wake();
    const url = new URL(request.url);
    const ticket = url.searchParams.get("ticket") ?? "";
    if (ticket === "" || ticket.length > TICKET_MAX) return refusalResponse(badTicket);
    const sql = this.ctx.storage.sql;
    const hash = await sha256Hex(ticket);
    const now = Date.now();
    if (!findTicket(sql, hash, now)) return refusalResponse(badTicket);
    if (!isUpgrade(request)) return refusalResponse({ status: 426, code: "upgrade_required", detail: "Expected a WebSocket upgrade" });
    const taken = takeTicket(sql, hash, now);
    if (!taken) return refusalResponse(badTicket);
    const refused = await opts.authorize(taken.userId);
    if (refused) return refusalResponse(refused);

    const sinceParam = url.searchParams.get("since");
    const since = sinceParam === null || sinceParam === "" ? null : Number(sinceParam);
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, opts.tags?.(taken.userId) ?? []);
    const state = opts.state(taken.userId, now);
    this.setState(server, state);
    if (since !== null && Number.isSafeInteger(since) && since >= 0) this.sendPage(server, taken.userId, since);
    else this.sendReady(server, taken.userId);
    await opts.opened?.(server, state);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A socket's state: its attachment, read once per instance (null once the socket is gone). */
  stateOf(ws: WebSocket): S | null {
    this.wake();
    if (!this.states.has(ws)) this.states.set(ws, (ws.deserializeAttachment() as S | null) ?? null);
    return this.states.get(ws) ?? null;
  }

  /**
   * Writes a socket's state to its attachment (what survives hibernation) and to the cache. The
   * replay cursor stays the hub's: whatever `state` says of it, the current one is kept.
   */
  setState(ws: WebSocket, state: S | null): void {
    this.write(ws, state, this.stateOf(ws)?.replayAfter);
  }

  /** Whether the socket's replay is still being sent (it has not had `ready` yet). */
  replaying(ws: WebSocket): boolean {
    return this.stateOf(ws)?.replayAfter !== undefined;
  }

  private write(ws: WebSocket, state: S | null, replayAfter: number | undefined): void {
    let next: S | null = state;
    if (state !== null) {
      const { replayAfter: _theirs, ...rest } = state;
      next = (replayAfter === undefined ? rest : { ...rest, replayAfter }) as S;
    }
    ws.serializeAttachment(next);
    this.states.set(ws, next);
  }

  /** The open sockets with a state, optionally of one user. */
  sockets(userId?: string): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => {
      const s = this.stateOf(ws);
      return s !== null && (userId === undefined || s.userId === userId);
    });
  }

  /** Sends one frame; false when the socket is already closing (its close handler cleans up). */
  send(ws: WebSocket, frame: unknown): boolean {
    this.wake();
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Sends an error frame (the socket stays open). */
  fail(ws: WebSocket, code: string, detail: string, clientId?: string): void {
    this.send(ws, { type: "error", code, detail, ...(clientId === undefined ? {} : { clientId }) } satisfies ErrorFrame);
  }

  /** Sends one frame to every socket whose state passes `filter`, except `except`. */
  broadcast(frame: unknown, filter: (s: S) => boolean = () => true, except?: WebSocket): void {
    const data = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.stateOf(ws);
      if (ws === except || !state || !filter(state)) continue;
      try {
        ws.send(data);
      } catch {
        // closing
      }
    }
  }

  /**
   * Sends a stored event (appended to the log in this same turn) like `broadcast`, except to sockets
   * still being replayed to: their replay reads it from the log, in its place.
   */
  broadcastEvent(event: EventFrame, filter: (s: S) => boolean = () => true, except?: WebSocket): void {
    this.broadcast(event, (s) => s.replayAfter === undefined && filter(s), except);
  }

  /** The distinct users with an open socket here, sorted (`except` is on its way out). */
  connectedUsers(except?: WebSocket): string[] {
    const users = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || ws.readyState !== WebSocket.OPEN) continue;
      const state = this.stateOf(ws);
      if (state) users.add(state.userId);
    }
    return [...users].sort();
  }

  /**
   * Sends `presence` to every socket (but `except`) when `online` differs from the set last sent, so
   * each change is announced once; returns whether it did. `online` defaults to the connected users.
   */
  announcePresence(online: string[] = this.connectedUsers(), except?: WebSocket): boolean {
    const sorted = [...new Set(online)].sort();
    const key = sorted.join("\n");
    if (key === this.lastPresence) return false;
    this.lastPresence = key;
    this.broadcast({ type: "presence", online: sorted } satisfies PresenceFrame, undefined, except);
    return true;
  }

  /** Closes a socket, ignoring one that is already closed. */
  close(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  /**
   * Completes a close the client started (call from `webSocketClose`): echoes its code; the ones
   * that are never sent on the wire (1005, 1006, 1015) become 1000. Forgets the socket's state.
   * Returns the state it had.
   */
  closed(ws: WebSocket, code: number): S | null {
    const state = this.stateOf(ws);
    const sendable = code >= 3000 || (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code));
    this.close(ws, sendable ? code : 1000, "Closed");
    this.setState(ws, null);
    return state;
  }

  // ---- paged replay ---------------------------------------------------------------------------

  private sendReady(ws: WebSocket, userId: string): void {
    this.send(ws, { type: "ready", seq: this.log.head(), userId } satisfies ReadyFrame);
  }

  /**
   * Sends the page after `after`; then `ready` in this same turn if it was the last (nothing can be
   * stored in between), else keeps the cursor in the attachment and schedules the next page. A page
   * that cannot be read closes the socket with 1011 (`onReplayError` is told).
   */
  private sendPage(ws: WebSocket, userId: string, after: number): void {
    try {
      this.sendPageOrThrow(ws, userId, after);
    } catch (err) {
      // the client resumes from the last seq it got; no `ready` without the whole replay
      (this.log.onReplayError ?? console.error)(err);
      this.close(ws, 1011, "Replay failed; reconnect");
    }
  }

  private sendPageOrThrow(ws: WebSocket, userId: string, after: number): void {
    const page = this.log.replayPage(after, this.pageSize);
    for (const frame of page) if (!this.send(ws, frame)) return;
    const last = page.at(-1)?.seq ?? after;
    const state = this.stateOf(ws);
    if (page.length < this.pageSize || last >= this.log.head()) {
      this.write(ws, state, undefined);
      this.sendReady(ws, userId);
      return;
    }
    this.write(ws, state, last);
    this.schedule(ws);
  }

  /** Sends the socket's next page in a later turn (once, however often it is asked). */
  private schedule(ws: WebSocket): void {
    if (this.pumping.has(ws)) return;
    this.pumping.add(ws);
    setTimeout(() => {
      this.pumping.delete(ws);
      const state = this.stateOf(ws);
      // closed (state gone) or already live
      if (state?.replayAfter !== undefined) this.sendPage(ws, state.userId, state.replayAfter);
    }, 0);
  }

  /**
   * On this instance's first use of the hub: a socket whose attachment says it is being replayed to
   * but whose pump ran in an earlier instance (hibernated or evicted) gets its next page.
   */
  private wake(): void {
    if (this.woken) return;
    this.woken = true;
    for (const ws of this.ctx.getWebSockets()) if (this.stateOf(ws)?.replayAfter !== undefined) this.schedule(ws);
  }
}
