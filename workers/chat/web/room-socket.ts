// One live connection to a room: a fresh ticket for every attempt, `since` = the last seq seen, backoff
// between attempts, a heartbeat that notices a dead link, and unacknowledged messages sent again.
import { ApiFailure, api } from "./api";
import { fetchHistory } from "./history";
import { type ClientFrame, isStored, parseFrame, type ServerFrame } from "./protocol";
import { acknowledge, applyEvent, loadRoom, type RoomState, saveRoom } from "./store";

export type ConnectionStatus = "connecting" | "online" | "offline" | "closed";

export interface RoomSocketHandlers {
  /** The room's messages or pending list changed (already saved). */
  onChange: (state: RoomState) => void;
  /** Every frame after the room state took it in (typing, read, presence, error; events too). */
  onSignal: (frame: ServerFrame) => void;
  onStatus: (status: ConnectionStatus, detail?: string) => void;
}

const PING_EVERY_MS = 20_000;
const SILENT_LIMIT_MS = 45_000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;
const RATE_LIMITED_RETRY_MS = 2_000;
/** The server closes a removed member's sockets with this code: reconnecting cannot help. */
const CLOSE_REMOVED = 4003;
/** A room opened for the first time in this tab starts from its newest messages, not from seq 0. */
const PAGE = 50;

export class RoomSocket {
  readonly state: RoomState;
  private socket: WebSocket | null = null;
  private stopped = false;
  /** Between asking for a ticket and having a socket: a wake-up must not start a second attempt. */
  private connecting = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private readonly wake = () => this.reconnectNow();

  constructor(
    private readonly userId: string,
    readonly roomId: string,
    private readonly handlers: RoomSocketHandlers,
  ) {
    this.state = loadRoom(userId, roomId);
    addEventListener("online", this.wake);
  }

  /** Opens the connection (and keeps it open until stop()). */
  start(): void {
    void this.connect();
  }

  /** Closes for good: leaving the room or logging out. */
  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.wake);
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.socket?.close(1000, "leaving");
    this.socket = null;
    this.handlers.onStatus("closed");
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
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
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

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    try {
      await this.open();
    } finally {
      this.connecting = false;
    }
  }

  private async open(): Promise<void> {
    this.handlers.onStatus("connecting");
    await this.seed();
    if (this.stopped) return;
    let ticket: string;
    try {
      ({ ticket } = await api<{ ticket: string }>(`/chat/v1/rooms/${encodeURIComponent(this.roomId)}/ticket`, { method: "POST" }));
    } catch (err) {
      // not a member (any more), or logged out: retrying cannot help
      if (err instanceof ApiFailure && [401, 403, 404].includes(err.status)) {
        this.stopped = true;
        this.handlers.onStatus("closed", err.message);
        return;
      }
      return this.retry(err instanceof Error ? err.message : "network error");
    }
    if (this.stopped) return;
    const url = new URL(`/chat/v1/rooms/${encodeURIComponent(this.roomId)}/ws`, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("ticket", ticket);
    url.searchParams.set("since", String(this.state.lastSeq));
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = Date.now();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.beat(socket), PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      this.lastHeard = Date.now();
      this.attempt = 0; // it works: the next drop starts the backoff over
      const frame = parseFrame(event.data);
      if (frame) this.receive(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.heartbeat);
      if (event.code === CLOSE_REMOVED) {
        this.stopped = true;
        this.handlers.onStatus("closed", event.reason || "You are no longer a member of this room");
        return;
      }
      this.retry(event.reason || `closed (${event.code})`);
    };
  }

  private receive(frame: ServerFrame): void {
    if (isStored(frame)) {
      if (applyEvent(this.state, frame)) this.changed();
    } else if (frame.type === "ready") {
      // the replay after `since` is complete and live events follow
      this.handlers.onStatus("online");
      // not yet acknowledged: the server knows clientIds, so one it already stored is only acknowledged again
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

  private beat(socket: WebSocket): void {
    if (Date.now() - this.lastHeard > SILENT_LIMIT_MS) {
      socket.close(4000, "no answer to ping");
      return;
    }
    this.send({ type: "ping" });
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    // exponential, with jitter in the upper half, so that a restarted server is not hit by every client at once
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt++);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.handlers.onStatus("offline", `${reason}; retrying in ${Math.ceil(delay / 1000)} s`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private reconnectNow(): void {
    if (this.stopped || this.socket || this.connecting) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    void this.connect();
  }
}
