import { pingFrame, type SocketState } from "@edgeworks/realtime";
import { z } from "zod";

// The board's WebSocket protocol: the shared realtime frames (ready, presence, error, pong; see
// packages/realtime) plus numbered board events. Clients only ping.

/** Largest frame a client may send; bigger ones close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** What a client may send over the board's WebSocket. */
export const clientFrame = z.discriminatedUnion("type", [pingFrame]);
export type ClientFrame = z.infer<typeof clientFrame>;

/** A numbered board change as sent to sockets: `{type, seq, at, actorId, ...payload}`. */
export interface EventFrame {
  type: string;
  seq: number;
  at: string;
  actorId: string;
  [payload: string]: unknown;
}

export type { ControlFrame } from "@edgeworks/realtime";

/** Per-socket state kept across hibernation (`serializeAttachment`). */
export type SocketAttachment = SocketState;
