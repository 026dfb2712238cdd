// One live connection to a room, on @edgeworks/realtime's reconnecting client: a fresh ticket for every
// attempt, `since` = the last seq the tab kept, backoff between attempts, a heartbeat that notices a
// dead link. This module adds what is chat's own: history first, and unacknowledged messages sent again.
import { type ConnectionStatus, RealtimeClient, StopReconnecting } from "@edgeworks/realtime/client";
import { ApiFailure, api } from "./api";
import { fetchHistory } from "./history";
import { type ClientFrame, isStored, type ServerFrame } from "./protocol";
import { acknowledge, applyEvent, loadRoom, type RoomState, saveRoom } from "./store";

export type { ConnectionStatus };

export interface RoomSocketHandlers {
  /** The room's messages or pending list changed (already saved). */
  onChange: (state: RoomState) => void;
  /** Every frame after the room state took it in (typing, read, presence, error; events too). */
  onSignal: (frame: ServerFrame) => void;
  onStatus: (status: ConnectionStatus, detail?: string) => void;
}

const RATE_LIMITED_RETRY_MS = 2_000;
/** The server closes a removed member's sockets with this code: reconnecting cannot help. */
const CLOSE_REMOVED = 4003;
/** A room opened for the first time in this tab starts from its newest messages, not from seq 0. */
const PAGE = 50;

export class RoomSocket {
  readonly state: RoomState;
  private readonly client: RealtimeClient<ServerFrame>;
  private readonly wake = () => this.client.wake();

  constructor(
    private readonly userId: string,
    readonly roomId: string,
    private readonly handlers: RoomSocketHandlers,
  ) {
    this.state = loadRoom(userId, roomId);
    const path = `/chat/v1/rooms/${encodeURIComponent(roomId)}`;
    this.client = new RealtimeClient<ServerFrame>({
      url: (ticket, since) => {
        const url = new URL(`${path}/ws`, location.href);
        url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
        url.searchParams.set("ticket", ticket);
        url.searchParams.set("since", String(since ?? 0));
        return url.toString();
      },
      ticket: async () => {
        try {
          return (await api<{ ticket: string }>(`${path}/ticket`, { method: "POST" })).ticket;
        } catch (err) {
          // not a member (any more), or logged out: retrying cannot help
          if (err instanceof ApiFailure && [401, 403, 404].includes(err.status)) throw new StopReconnecting(err.message);
          throw err;
        }
      },
      beforeConnect: () => this.seed(),
      since: () => this.state.lastSeq,
      isEvent: isStored,
      stopCodes: [CLOSE_REMOVED],
      onFrame: (frame) => this.receive(frame),
      onStatus: (status, detail) =>
        handlers.onStatus(
          status,
          status === "closed" && detail?.startsWith("closed (") ? "You are no longer a member of this room" : detail,
        ),
    });
    addEventListener("online", this.wake);
  }

  /** Opens the connection (and keeps it open until stop()). */
  start(): void {
    this.client.start();
  }

  /** Closes for good: leaving the room or logging out. */
  stop(): void {
    removeEventListener("online", this.wake);
    this.client.stop();
  }

  /** Queues a message under a new clientId (kept across reloads) and sends it if the socket is open. */
  sendMessage(text: string): void {
    const pending = { clientId: crypto.randomUUID(), text, createdAt: new Date().toISOString() };
    this.state.pending.push(pending);
    this.changed();
    this.send({ type: "message", clientId: pending.clientId, text });
  }

  /** Sends a signal frame (typing, read) if connected; signals are not worth queueing. */
  send(frame: ClientFrame): void {
    this.client.send(frame);
  }

  private changed(): void {
    saveRoom(this.userId, this.roomId, this.state);
    this.handlers.onChange(this.state);
  }

  /**
   * First visit in this tab: the newest page of history, then `since` its last seq (a long history is not
   * replayed event by event). Without history (none yet, or it failed) the replay starts at 0.
   */
  private async seed(): Promise<void> {
    if (this.state.lastSeq > 0 || this.state.messages.length > 0) return;
    const page = await fetchHistory(this.roomId, PAGE).catch(() => null);
    if (!page?.messages.length || this.state.lastSeq > 0) return;
    this.state.messages = page.messages;
    this.state.lastSeq = page.messages[page.messages.length - 1]!.seq;
    this.changed();
  }

  /** Prepends the page of messages before the oldest one shown; false when the room has no older ones. */
  async loadOlder(): Promise<boolean> {
    const oldest = this.state.messages[0]?.seq;
    if (oldest === undefined || oldest <= 1) return false;
    const page = await fetchHistory(this.roomId, PAGE, oldest);
    const older = page.messages.filter((m) => m.seq < (this.state.messages[0]?.seq ?? Number.POSITIVE_INFINITY));
    this.state.messages.unshift(...older);
    this.changed();
    return page.nextBefore !== null;
  }

  private receive(frame: ServerFrame): void {
    if (isStored(frame)) {
      if (applyEvent(this.state, frame)) this.changed();
    } else if (frame.type === "ready") {
      // the replay after `since` is complete and live events follow (the client reported "online").
      // Not yet acknowledged: the server knows clientIds, so one it already stored is only acknowledged again
      for (const p of this.state.pending) if (p.seq === undefined) this.send({ type: "message", clientId: p.clientId, text: p.text });
    } else if (frame.type === "ack") {
      if (acknowledge(this.state, frame.clientId, frame.seq)) this.changed();
    } else if (frame.type === "error" && frame.clientId) {
      this.refused(frame.clientId, frame.code);
    }
    this.handlers.onSignal(frame);
  }

  /** A message the server refused: sent again later when it was only too fast, else dropped. */
  private refused(clientId: string, code: string): void {
    const pending = this.state.pending.find((p) => p.clientId === clientId);
    if (!pending) return;
    if (code === "rate_limited") {
      setTimeout(() => {
        if (this.state.pending.includes(pending) && pending.seq === undefined) this.send({ type: "message", clientId, text: pending.text });
      }, RATE_LIMITED_RETRY_MS);
      return;
    }
    this.state.pending = this.state.pending.filter((p) => p !== pending);
    this.changed();
  }
}
