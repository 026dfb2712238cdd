import { createTicket, findTicket, sha256Hex, storeTicket, takeTicket } from "@edgeworks/auth";
import type { ErrorFrame, PresenceFrame, ReadyFrame } from "./frames";
import { badTicket, isUpgrade, type Refusal, refusalResponse } from "./refusal";

/** Per-socket state kept in the socket's attachment (it survives hibernation). */
export interface SocketState {
  userId: string;
}

/** What {@link SocketHub.upgrade} asks of the product. */
export interface UpgradeOptions<S extends SocketState> {
  /** A refusal (403 "no longer a member", …) for the ticket's user, or null to let them in. */
  authorize(userId: string): Refusal | null | Promise<Refusal | null>;
  /** The socket's initial state. */
  state(userId: string, now: number): S;
  /** The stored events after `since`, oldest first, as frames. */
  replay(since: number): Iterable<unknown>;
  /** The head of the event log, sent in `ready`. */
  head(): number;
  /** Socket tags for `getWebSockets(tag)` (at most 10, 256 chars each). */
  tags?: (userId: string) => string[];
  /** After `ready`, before the 101 is returned: announce presence, schedule an alarm… */
  opened?: (ws: WebSocket, state: S) => void | Promise<void>;
}

const TICKET_MAX = 200;

/**
 * A Durable Object's sockets (WebSocket Hibernation API): the ticket-checked upgrade with replay and
 * `ready`, per-socket state in `serializeAttachment`, broadcast, and presence. Nothing it needs lives
 * only in memory: after hibernation the state is read back from the attachments.
 *
 * @example
 * class Room extends DurableObject<Env> {
 *   readonly hub = new SocketHub<SocketState>(this.ctx);
 *   override fetch(req: Request) {
 *     return this.hub.upgrade(req, { authorize: () => null, state: (userId) => ({ userId }),
 *       replay: (since) => eventsAfter(this.sql, since), head: () => headSeq(this.sql) });
 *   }
 * }
 */
export class SocketHub<S extends SocketState = SocketState> {
  private readonly states = new WeakMap<WebSocket, S | null>();
  /** The online set last sent (undefined after hibernation: the next one is sent in any case). */
  private lastPresence: string | undefined;

  constructor(private readonly ctx: DurableObjectState) {}

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
   * Events after `since` are sent before `ready` in the same synchronous turn as the accept, so no live
   * event can slip between the replay and the live stream.
   */
  async upgrade(request: Request, opts: UpgradeOptions<S>): Promise<Response> {
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
    if (since !== null && Number.isSafeInteger(since) && since >= 0) {
      for (const frame of opts.replay(since)) server.send(JSON.stringify(frame));
    }
    this.send(server, { type: "ready", seq: opts.head(), userId: taken.userId } satisfies ReadyFrame);
    await opts.opened?.(server, state);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A socket's state: its attachment, read once per instance (null once the socket is gone). */
  stateOf(ws: WebSocket): S | null {
    if (!this.states.has(ws)) this.states.set(ws, (ws.deserializeAttachment() as S | null) ?? null);
    return this.states.get(ws) ?? null;
  }

  /** Writes a socket's state to its attachment (what survives hibernation) and to the cache. */
  setState(ws: WebSocket, state: S | null): void {
    ws.serializeAttachment(state);
    this.states.set(ws, state);
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
}
