// The room WebSocket protocol as the page uses it (the server's zod union is in src/do/*.protocol.ts).
// Frames are JSON objects with a `type`; every stored event carries the room's `seq`.

export interface ChatMessage {
  seq: number;
  id: string;
  userId: string;
  text: string;
  createdAt: string;
  clientId?: string;
  editedAt?: string | null;
  deleted?: boolean;
}

export type ServerFrame =
  | ({ type: "message" } & ChatMessage)
  | { type: "ack"; clientId: string; seq: number; id?: string }
  | { type: "edited"; seq: number; messageId: string; text: string; editedAt?: string }
  | { type: "deleted"; seq: number; messageId: string }
  | { type: "reaction"; seq: number; messageId: string; userId: string; emoji: string }
  | { type: "typing"; userId: string }
  | { type: "read"; userId: string; seq: number }
  | { type: "presence"; online: string[] }
  | { type: "error"; code: string; message: string }
  | { type: "pong" };

export type ClientFrame =
  | { type: "message"; clientId: string; text: string }
  | { type: "typing" }
  | { type: "read"; seq: number }
  | { type: "ping" };

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
