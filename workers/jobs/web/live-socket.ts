// The queue's live socket on @edgeworks/realtime's reconnecting client: a fresh ticket per attempt
// (POST …/live/ticket), backoff, heartbeat. Nothing to resume: each connection starts from the current
// counts the server sends after `ready`.
import { type ConnectionStatus, RealtimeClient, StopReconnecting } from "@edgeworks/realtime/client";
import type { LiveFrame } from "../src/web/live-frames";
import { ApiFailure, api } from "./api";

export type { ConnectionStatus, LiveFrame };

/** Opens the live feed of queue `id`; returns its stop function. */
export function openLive(id: string, onFrame: (frame: LiveFrame) => void, onStatus: (status: ConnectionStatus, detail?: string) => void) {
  const path = `/jobs/v1/queues/${encodeURIComponent(id)}/live`;
  const client = new RealtimeClient<LiveFrame>({
    url: (ticket) => {
      const url = new URL(path, location.href);
      url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
      url.searchParams.set("ticket", ticket);
      return url.toString();
    },
    ticket: async () => {
      try {
        return (await api<{ ticket: string }>(`${path}/ticket`, { method: "POST" })).ticket;
      } catch (err) {
        // the queue is gone, or we are logged out: retrying cannot help
        if (err instanceof ApiFailure && [401, 403, 404].includes(err.status)) throw new StopReconnecting(err.message);
        throw err;
      }
    },
    // no numbered events: never ask for a replay
    isEvent: () => false,
    since: () => undefined,
    onFrame,
    onStatus,
  });
  const wake = () => client.wake();
  addEventListener("online", wake);
  client.start();
  return () => {
    removeEventListener("online", wake);
    client.stop();
  };
}
