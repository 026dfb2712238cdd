// The room WebSocket protocol as the page uses it (the server's zod union is in src/do/*.protocol.ts).
// Frames are JSON objects with a `type`; every stored event carries the room's `seq`.

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

export interface ChatMessage {
  seq: number;
  id: string;
  userId: string;
  clientId?: string;
  text: string;
  attachments?: Attachment[];
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
  /** Kept by the page from `reaction` events: emoji → the users who reacted with it. */
  reactions?: Record<string, string[]>;
}

/** Stored events: numbered by the room's `seq`, replayed after `since`. */
export type StoredEvent =
  | ({ type: "message" } & ChatMessage)
  | { type: "edited"; seq: number; messageId: string; userId: string; text: string; editedAt: string }
  | { type: "deleted"; seq: number; messageId: string; userId: string; deletedAt: string }
  | { type: "reaction"; seq: number; messageId: string; userId: string; emoji: string; action: "added" | "removed"; createdAt: string }
  | { type: "member"; seq: number; userId: string; action: "joined" | "left" | "removed" | "role"; byUserId: string; createdAt: string }
  | { type: "room"; seq: number; name: string | null; byUserId: string; createdAt: string };

/** Signals: not stored (a `read`'s seq is a position, `ready`'s the head after the replay). */
export type Signal =
  | { type: "ack"; clientId: string; seq: number; id: string }
  | { type: "ready"; seq: number; userId: string }
  | { type: "typing"; userId: string; expiresAt: string }
  | { type: "read"; userId: string; seq: number }
  | { type: "presence"; online: string[] }
  | { type: "error"; code: string; message: string; clientId?: string }
  | { type: "pong" };

export type ServerFrame = StoredEvent | Signal;

export type ClientFrame =
  | { type: "message"; clientId: string; text: string }
  | { type: "typing" }
  | { type: "read"; seq: number }
  | { type: "ping" };

const STORED = new Set(["message", "edited", "deleted", "reaction", "member", "room"]);

/** Whether a frame is a stored event (has a place in the room's seq order). */
export const isStored = (frame: ServerFrame): frame is StoredEvent => STORED.has(frame.type);

/** Parses a server frame; anything that is not an object with a string `type` is dropped. */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  try {
    const frame = JSON.parse(data) as { type?: unknown };
    return frame && typeof frame === "object" && typeof frame.type === "string" ? (frame as ServerFrame) : null;
  } catch {
    return null;
  }
}
