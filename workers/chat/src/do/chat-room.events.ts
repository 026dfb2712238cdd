import type { ErrorFrame, PingFrame, PongFrame, PresenceFrame, ReadyFrame } from "@edgeworks/realtime/client";

// The frames a room sends, as types only (no runtime imports), so the web page (web/protocol.ts)
// imports them instead of keeping a copy. The shared frames (ready, presence, error, pong) are
// packages/realtime's; the zod union of client frames is in chat-room.protocol.ts, which checks at
// compile time that it parses exactly `ClientFrame` below.

/** An attachment as it appears on a message. */
export interface AttachmentView {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

/** The stored events (each with a room-wide `seq`), as sent on the socket and replayed. */
export type StoredEvent =
  | {
      type: "message";
      seq: number;
      id: string;
      userId: string;
      clientId: string;
      text: string;
      attachments: AttachmentView[];
      createdAt: string;
      deleted?: true;
    }
  | { type: "edited"; seq: number; messageId: string; userId: string; text: string; editedAt: string; deleted?: true }
  | { type: "deleted"; seq: number; messageId: string; userId: string; deletedAt: string }
  | { type: "reaction"; seq: number; messageId: string; userId: string; emoji: string; action: "added" | "removed"; createdAt: string }
  | {
      type: "member";
      seq: number;
      userId: string;
      action: "joined" | "left" | "removed" | "role";
      role: string | null;
      byUserId: string;
      createdAt: string;
    }
  | { type: "room"; seq: number; name: string | null; byUserId: string; createdAt: string };

/** The types of stored events (they have a place in the room's seq order). */
export const STORED_EVENT_TYPES: ReadonlySet<string> = new Set(["message", "edited", "deleted", "reaction", "member", "room"]);

/** The error codes of `error` frames. */
export type FrameErrorCode = "invalid_frame" | "too_large" | "rate_limited" | "not_found" | "forbidden" | "invalid_attachment";

/** Frames that are not stored and carry no `seq` of the event log (a read receipt's `seq` is a position). */
export type EphemeralFrame =
  | { type: "ack"; clientId: string; seq: number; id: string }
  | ReadyFrame
  | { type: "typing"; userId: string; expiresAt: string }
  | { type: "read"; userId: string; seq: number }
  | PresenceFrame
  | (ErrorFrame & { code: FrameErrorCode })
  | PongFrame;

export type ServerFrame = StoredEvent | EphemeralFrame;

/** What a client may send (validated by `clientFrame` in chat-room.protocol.ts, which must infer this type). */
export type ClientFrame =
  | { type: "message"; clientId: string; text?: string; attachments?: string[] }
  | { type: "typing" }
  | { type: "read"; seq: number }
  | { type: "react"; messageId: string; emoji: string }
  | { type: "edit"; messageId: string; text: string }
  | { type: "delete"; messageId: string }
  | PingFrame;
