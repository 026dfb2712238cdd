// A socket to a realtime object that stays open: a fresh ticket per attempt, `since` = the last event
// seen, exponential backoff with jitter, and a heartbeat that notices a dead link. No DOM-only API: it
// runs in browsers and in Node (pass `connect` to use the `ws` package there).

import { type ConnectionStatus, parseFrame, type SocketLike } from "./socket";

/** Thrown by `ticket()` when retrying cannot help (logged out, not a member): the client stops. */
export class StopReconnecting extends Error {
  override readonly name = "StopReconnecting";
}

export interface RealtimeClientOptions<F extends { type: string }> {
  /** The socket URL for a ticket and the `since` to resume from (undefined: live events only). */
  url: (ticket: string, since: number | undefined) => string;
  /** A fresh single-use ticket (e.g. POST …/ticket); throw {@link StopReconnecting} to give up. */
  ticket: () => Promise<string>;
  /** Every frame that parsed as a JSON object with a string `type`. */
  onFrame: (frame: F) => void;
  onStatus?: (status: ConnectionStatus, detail?: string) => void;
  /** Opens a socket; defaults to `new WebSocket(url)`. */
  connect?: (url: string) => SocketLike;
  /** Where to resume from; defaults to the last numbered event this client saw (or `initialSeq`). */
  since?: () => number | undefined;
  initialSeq?: number;
  /** Which frames are numbered events; defaults to frames with a numeric `seq` but not ready/ack/read. */
  isEvent?: (frame: F) => boolean;
  /** Runs before each attempt (e.g. loading history first); an error counts as a failed attempt. */
  beforeConnect?: () => Promise<void>;
  backoff?: { minMs: number; maxMs: number };
  /** Ping every `everyMs`; close and reconnect after `silentMs` without a frame. 0 turns it off. */
  heartbeat?: { everyMs: number; silentMs: number };
  /** Close codes after which reconnecting cannot help (removed from the room, object deleted). */
  stopCodes?: number[];
  random?: () => number;
}

const NOT_EVENTS = new Set(["ready", "ack", "read", "pong", "presence", "error", "typing"]);
const OPEN = 1;

/**
 * The reconnecting client. `start()` opens it, `stop()` closes it for good, `wake()` retries at once
 * (call it on the browser's `online` event).
 *
 * @example
 * const client = new RealtimeClient<BoardFrame>({
 *   url: (ticket, since) => `wss://host/boards/v1/boards/${id}/ws?ticket=${ticket}${since === undefined ? "" : `&since=${since}`}`,
 *   ticket: async () => (await api.post(`/boards/${id}/ticket`)).ticket,
 *   onFrame: (f) => render(f),
 *   initialSeq: board.seq,
 * });
 * client.start();
 */
export class RealtimeClient<F extends { type: string }> {
  /** The last numbered event received. */
  lastSeq: number | undefined;
  private socket: SocketLike | null = null;
  private stopped = false;
  private connecting = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;

  constructor(private readonly opts: RealtimeClientOptions<F>) {
    this.lastSeq = opts.initialSeq;
  }

  get open(): boolean {
    return this.socket?.readyState === OPEN;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers(true, true);
    this.socket?.close(1000, "leaving");
    this.socket = null;
    this.opts.onStatus?.("closed");
  }

  /** Sends a frame if connected; false otherwise (frames are not queued). */
  send(frame: unknown): boolean {
    if (!this.open) return false;
    this.socket?.send(JSON.stringify(frame));
    return true;
  }

  /** Reconnects now instead of waiting for the backoff (the network came back). */
  wake(): void {
    if (this.stopped || this.socket || this.connecting) return;
    this.clearTimers(true, false);
    this.attempt = 0;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    try {
      await this.attemptOnce();
    } finally {
      this.connecting = false;
    }
  }

  private async attemptOnce(): Promise<void> {
    this.opts.onStatus?.("connecting");
    let ticket: string;
    try {
      await this.opts.beforeConnect?.();
      if (this.stopped) return;
      ticket = await this.opts.ticket();
    } catch (err) {
      if (err instanceof StopReconnecting) return this.halt(err.message);
      return this.retry(err instanceof Error ? err.message : "network error");
    }
    if (this.stopped) return;
    const since = this.opts.since ? this.opts.since() : this.lastSeq;
    const url = this.opts.url(ticket, since);
    const socket = this.opts.connect ? this.opts.connect(url) : (new WebSocket(url) as unknown as SocketLike);
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = Date.now();
      const hb = this.opts.heartbeat ?? { everyMs: 20_000, silentMs: 45_000 };
      this.clearTimers(false, true);
      if (hb.everyMs > 0) this.beat = setInterval(() => this.ping(socket, hb.silentMs), hb.everyMs);
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => undefined; // a close follows
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers(false, true);
      if ((this.opts.stopCodes ?? [4003, 4403, 4404]).includes(ev.code)) return this.halt(ev.reason || `closed (${ev.code})`);
      this.retry(ev.reason || `closed (${ev.code})`);
    };
  }

  private receive(data: unknown): void {
    this.lastHeard = Date.now();
    const frame = parseFrame<F>(data);
    if (!frame) return;
    const seq = (frame as { seq?: unknown }).seq;
    const isEvent = this.opts.isEvent ?? ((f: F) => typeof seq === "number" && !NOT_EVENTS.has(f.type));
    if (isEvent(frame) && typeof seq === "number") this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
    if (frame.type === "ready") {
      this.attempt = 0; // it works: the next drop starts the backoff over
      this.opts.onStatus?.("online");
    }
    this.opts.onFrame(frame);
  }

  private ping(socket: SocketLike, silentMs: number): void {
    if (Date.now() - this.lastHeard > silentMs) socket.close(4000, "no answer to ping");
    else if (socket.readyState === OPEN) socket.send('{"type":"ping"}');
  }

  /** Clears the timers that are set (the runtimes' clear* functions disagree on what else they accept). */
  private clearTimers(retry: boolean, beat: boolean): void {
    if (retry && this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (beat && this.beat !== undefined) clearInterval(this.beat);
  }

  private halt(reason: string): void {
    this.stopped = true;
    this.opts.onStatus?.("closed", reason);
  }

  /** Exponential, with jitter in the upper half, so a restarted server is not hit by every client at once. */
  private retry(reason: string): void {
    if (this.stopped) return;
    const { minMs, maxMs } = this.opts.backoff ?? { minMs: 250, maxMs: 15_000 };
    const ceiling = Math.min(maxMs, minMs * 2 ** this.attempt++);
    const delay = Math.round(ceiling / 2 + ((this.opts.random ?? Math.random)() * ceiling) / 2);
    this.opts.onStatus?.("offline", `${reason}; retrying in ${Math.ceil(delay / 1000)} s`);
    this.clearTimers(true, false);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
