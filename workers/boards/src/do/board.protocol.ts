import { z } from "zod";

/** Largest frame a client may send; bigger ones close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** What a client may send over the board's WebSocket. */
export const clientFrame = z.discriminatedUnion("type", [z.strictObject({ type: z.literal("ping"), id: z.string().max(64).optional() })]);
export type ClientFrame = z.infer<typeof clientFrame>;

/** A numbered board change as sent to sockets: `{type, seq, at, actorId, ...payload}`. */
export interface EventFrame {
  type: string;
  seq: number;
  at: string;
  actorId: string;
  [payload: string]: unknown;
}

/** Frames that are not board changes (not numbered). */
export type ControlFrame =
  | { type: "ready"; seq: number }
  | { type: "presence"; viewers: string[] }
  | { type: "pong"; id?: string }
  | { type: "error"; code: string; detail: string };

/** Per-socket state kept across hibernation (`serializeAttachment`). */
export interface SocketAttachment {
  userId: string;
}
