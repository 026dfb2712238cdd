import type { EventFrame } from "./frames";
import type { Refusal } from "./refusal";

// What a SocketHub is given: the product's per-socket state, its event log and its upgrade rules.

/** Per-socket state kept in the socket's attachment (it survives hibernation). */
export interface SocketState {
  userId: string;
  /**
   * The hub's own: set while the socket's replay is sent page by page, the last seq sent. Products
   * never write it (`setState` keeps the hub's value) and read it only through `replaying(ws)`.
   */
  replayAfter?: number;
}

/** Where the hub replays from: the object's event log (one per hub, read again after hibernation). */
export interface SocketHubOptions {
  /**
   * Up to `limit` stored events with `seq > after`, oldest first, as frames (`{type, seq, …}`): one
   * bounded query. Fewer than `limit` means there are no more.
   */
  replayPage(after: number, limit: number): readonly EventFrame[];
  /** The head of the log (the newest `seq`, 0 when empty), sent in `ready`. */
  head(): number;
  /** Events per page, so per turn of the object (default {@link REPLAY_PAGE}). */
  pageSize?: number;
  /** A page that could not be read (the socket is then closed with 1011, so that it reconnects). */
  onReplayError?: (err: unknown) => void;
}

/** What `SocketHub.upgrade` asks of the product. */
export interface UpgradeOptions<S extends SocketState> {
  /** A refusal (403 "no longer a member", …) for the ticket's user, or null to let them in. */
  authorize(userId: string): Refusal | null | Promise<Refusal | null>;
  /** The socket's initial state. */
  state(userId: string, now: number): S;
  /** Socket tags for `getWebSockets(tag)` (at most 10, 256 chars each). */
  tags?: (userId: string) => string[];
  /** After the first page (and `ready` if it was the last), before the 101: announce presence, schedule an alarm… */
  opened?: (ws: WebSocket, state: S) => void | Promise<void>;
}

/** The default replay page: events sent to one socket in one turn of the object. */
export const REPLAY_PAGE = 200;
