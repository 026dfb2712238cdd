import { log } from "@edgeworks/http";
import { SocketHub } from "@edgeworks/realtime";
import type { SocketState } from "./chat-room";
import type { ServerFrame } from "./chat-room.protocol";
import { eventPage, REPLAY_PAGE, type RoomDb } from "./room-store";

// A replay of more than one page (REPLAY_PAGE events) is not written in the upgrade's turn: the
// socket's state says how far it has been sent (`replayAfter`), and a pump sends one page per turn of
// the room, so a room of many thousand events never queues its whole log in one socket buffer before
// the 101, and everyone else's frames are handled between pages. Stored events are held back from such
// a socket (they reach it from storage, in order), and `ready` is sent by the pump in the same turn as
// the last page, so the contract is unchanged: every event after `since` in order, then `ready`, then
// live events, no gap, no duplicate.

const isReady = (frame: unknown): boolean => typeof frame === "object" && frame !== null && (frame as { type?: unknown }).type === "ready";

/**
 * The room's socket hub: packages/realtime's, except that the upgrade's `ready` is not sent to a
 * socket whose long replay is still to come (its pump sends it after the last page).
 */
export class ChatHub extends SocketHub<SocketState> {
  override send(ws: WebSocket, frame: unknown): boolean {
    if (isReady(frame) && this.stateOf(ws)?.replayAfter !== undefined) return true;
    return super.send(ws, frame);
  }
}

/** The paged replays of one room's sockets. */
export class ReplayPump {
  /** Sockets whose pump runs in this instance (after hibernation none do: `resume` restarts them). */
  private readonly running = new Set<WebSocket>();

  constructor(
    private readonly hub: ChatHub,
    private readonly db: RoomDb,
    private readonly head: () => number,
    private readonly logLevel: string | undefined,
  ) {}

  /** Whether a replay after `since` is longer than one page (and so goes page by page). */
  isLong(since: number | null): since is number {
    return since !== null && Number.isSafeInteger(since) && since >= 0 && this.head() - since > REPLAY_PAGE;
  }

  /** Starts (or continues) a socket's paged replay; the first page is sent before this returns. */
  start(ws: WebSocket): void {
    if (this.running.has(ws)) return;
    this.running.add(ws);
    this.pump(ws)
      .catch((err) => {
        log(this.logLevel, "error", "replay failed", { error: String(err) });
        this.hub.close(ws, 1011, "Replay failed; reconnect");
      })
      .finally(() => this.running.delete(ws));
  }

  /** Restarts the replays a fresh instance does not run (the sockets outlived the last one). */
  resume(): void {
    for (const ws of this.hub.sockets()) if (this.hub.stateOf(ws)?.replayAfter !== undefined) this.start(ws);
  }

  private async pump(ws: WebSocket): Promise<void> {
    for (;;) {
      const state = this.hub.stateOf(ws);
      // closed, or already live
      if (state?.replayAfter === undefined) return;
      const page = eventPage(this.db, state.replayAfter, REPLAY_PAGE);
      for (const event of page) if (!this.hub.send(ws, event)) return;
      const last = page.at(-1)?.seq ?? state.replayAfter;
      const { replayAfter: _sent, ...live } = state;
      if (page.length < REPLAY_PAGE || last >= this.head()) {
        // caught up, in this turn: nothing can be stored between the last page and `ready`
        this.hub.setState(ws, live);
        this.hub.send(ws, { type: "ready", seq: this.head(), userId: state.userId } satisfies ServerFrame);
        return;
      }
      this.hub.setState(ws, { ...state, replayAfter: last });
      // one page per turn: frames of other sockets (and new events) are handled in between
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}
