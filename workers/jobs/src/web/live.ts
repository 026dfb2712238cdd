import { TICKETS_DDL } from "@edgeworks/auth";
import { type PongFrame, pingFrame, readFrame, SocketHub, type SocketState } from "@edgeworks/realtime";
import { JOB_STATES, type JobState, type LiveEvent, type QueueCounts } from "../engine/types";
import { type CountsFrame, type JobFrame, STATE_NAMES, type StateName } from "./live-frames";

/** The tag of the dashboard's sockets (`ctx.getWebSockets(LIVE_TAG)`), so the object can tell them apart. */
export const LIVE_TAG = "live";
/** A `counts` frame (counts and throughput) goes out at most this often. */
export const LIVE_FRAME_INTERVAL_MS = 1000;
/** Job frames per second and queue; past it, the second's other transitions show only in the next `counts`. */
export const LIVE_JOB_FRAMES_PER_SECOND = 100;
/**
 * The storage the hub needs (its tickets): the scheduler appends this as one of its migration steps.
 * `IF NOT EXISTS`, so appending it is safe whatever came before.
 */
export const LIVE_MIGRATION = TICKETS_DDL;

const PING = '{"type":"ping"}';
const PONG = '{"type":"pong"}';
const NO_REPLAY = () => [];

export type { LiveFrame } from "./live-frames";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the page's copy of the frames (live-frames.ts, no server imports) is the engine's LiveEvent. */
export const FRAMES_MATCH_ENGINE: Same<LiveEvent, JobFrame | CountsFrame> & Same<JobState, StateName> = true;
/** And the states are listed in the engine's order. */
export const STATES_MATCH_ENGINE = JOB_STATES.every((s, i) => STATE_NAMES[i] === s) && JOB_STATES.length === STATE_NAMES.length;

/** What the hub asks of the object that composes it. */
export interface LiveHubOptions {
  /** The queue's owner (the only user let in), or null while the object has not been configured. */
  owner: () => string | null;
  /** The queue's counts now (the scheduler's own synchronous read). */
  counts: () => QueueCounts;
  /** A failure to build a frame (logged; the hub carries on). */
  onError?: (err: unknown) => void;
}

/**
 * The live feed of one queue's dashboard, composed by the QueueScheduler Durable Object: WebSocket
 * subscribers (Hibernation API, tickets and per-socket state through @edgeworks/realtime's SocketHub),
 * `publish(event)` fanning each job transition out, and a `counts` frame (counts per state, completed
 * and failed per second) at most once per {@link LIVE_FRAME_INTERVAL_MS}, plus one with zero rates when
 * the work stops, so a chart falls back to zero. Nothing is stored: events are ephemeral (no replay,
 * `ready` has seq 0); a dashboard that reconnects starts from the current counts.
 *
 * @example
 * class QueueScheduler extends DurableObject<Env> {
 *   readonly live = new LiveHub(this.ctx, { owner: () => this.queue?.ownerId ?? null, counts: () => countJobs(this.sql) });
 *   override fetch(request: Request) { return this.live.upgrade(request); }
 *   override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) { this.live.message(ws, message); }
 *   override webSocketClose(ws: WebSocket, code: number) { this.live.closed(ws, code); }
 *   // …and after every transition: this.live.publish({ type: "job", id, name, from, to, at });
 * }
 */
export class LiveHub {
  private readonly hub: SocketHub<SocketState>;
  /** Transitions to completed / failed or dead since `windowStart`. */
  private completed = 0;
  private failed = 0;
  private windowStart = 0;
  private lastSentAt = 0;
  private rates = { completedPerSecond: 0, failedPerSecond: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private jobFrames = { second: 0, sent: 0 };

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly options: LiveHubOptions,
  ) {
    this.hub = new SocketHub<SocketState>(ctx, { replayPage: NO_REPLAY, head: () => 0 });
    // a bare ping is answered by the runtime, without waking a hibernated object
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A single-use ticket (60 s) for `userId`; the route has checked that they own the queue. */
  issueTicket(userId: string): Promise<{ ticket: string; expiresAt: number }> {
    return this.hub.issueTicket(userId);
  }

  /**
   * The upgrade forwarded by `GET /jobs/v1/queues/{q}/live` (`?ticket=`): 401 for a bad ticket, 426
   * without `Upgrade: websocket`, 404 for anyone but the owner; then `ready` and the current counts.
   */
  upgrade(request: Request): Promise<Response> {
    return this.hub.upgrade(request, {
      authorize: (userId) => (userId === this.options.owner() ? null : { status: 404, code: "not_found", detail: "Queue not found" }),
      state: (userId) => ({ userId }),
      tags: () => [LIVE_TAG],
      opened: (ws) => {
        const frame = this.countsFrame();
        if (frame) this.hub.send(ws, frame);
      },
    });
  }

  /** Whether the socket is a dashboard's (delegate only those to {@link message} and {@link closed}). */
  owns(ws: WebSocket): boolean {
    return this.ctx.getTags(ws).includes(LIVE_TAG);
  }

  /** The open dashboard sockets. */
  subscribers(): number {
    return this.ctx.getWebSockets(LIVE_TAG).length;
  }

  /** A frame from a dashboard: `ping` is answered; anything else gets an error frame (the socket stays open). */
  message(ws: WebSocket, message: string | ArrayBuffer): void {
    const read = readFrame(message, pingFrame, 1024);
    if (!read.ok) {
      this.hub.fail(ws, "validation_failed", 'Only {"type":"ping"} frames are accepted here');
      return;
    }
    this.hub.send(ws, { type: "pong", ...(read.frame.id === undefined ? {} : { id: read.frame.id }) } satisfies PongFrame);
  }

  /** The client closed (call from `webSocketClose`): completes the close and forgets the socket. */
  closed(ws: WebSocket, code: number): void {
    this.hub.closed(ws, code);
  }

  /**
   * Fans an event out to the dashboards: each job transition (up to {@link LIVE_JOB_FRAMES_PER_SECOND}
   * a second) and, at most once a second, a `counts` frame with the throughput since the last one.
   * Cheap without subscribers (it returns at once), so the scheduler may call it on every transition.
   */
  publish(event: LiveEvent): void {
    if (this.subscribers() === 0) return;
    const now = Date.now();
    if (event.type === "job") {
      if (this.completed === 0 && this.failed === 0 && now - this.windowStart > LIVE_FRAME_INTERVAL_MS) this.windowStart = now;
      if (event.to === "completed") this.completed++;
      if (event.to === "failed" || event.to === "dead") this.failed++;
      this.sendJobFrame(event, now);
    }
    this.schedule(now);
  }

  private sendJobFrame(event: LiveEvent, now: number): void {
    const second = Math.floor(now / 1000);
    if (this.jobFrames.second !== second) this.jobFrames = { second, sent: 0 };
    if (this.jobFrames.sent >= LIVE_JOB_FRAMES_PER_SECOND) return;
    this.jobFrames.sent++;
    this.hub.broadcast(event);
  }

  /** The next `counts` frame: now if the last one is a second old, else when it will be. */
  private schedule(now: number): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSentAt + LIVE_FRAME_INTERVAL_MS - now);
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    const seconds = Math.max(LIVE_FRAME_INTERVAL_MS, now - this.windowStart) / 1000;
    const busy = this.completed + this.failed > 0;
    this.rates = { completedPerSecond: round(this.completed / seconds), failedPerSecond: round(this.failed / seconds) };
    this.completed = 0;
    this.failed = 0;
    this.windowStart = now;
    this.lastSentAt = now;
    if (this.subscribers() === 0) return;
    const frame = this.countsFrame();
    if (frame) this.hub.broadcast(frame);
    // one more frame a second later: zero rates once the work has stopped
    if (busy) this.schedule(now);
  }

  private countsFrame(): LiveEvent | null {
    try {
      return { type: "counts", counts: this.options.counts(), at: new Date().toISOString(), ...this.rates };
    } catch (err) {
      (this.options.onError ?? console.error)(err);
      return null;
    }
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
