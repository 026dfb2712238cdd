// The room WebSocket protocol as the page uses it: the frame types come from the server's own modules
// (src/do/chat-room.events.ts, whose shared frames are @edgeworks/realtime's), never a hand copy.
import type { AttachmentView, StoredEvent as ServerStoredEvent } from "../src/do/chat-room.events";
import { STORED_EVENT_TYPES } from "../src/do/chat-room.events";

export { parseFrame } from "@edgeworks/realtime/client";
export type { ClientFrame, EphemeralFrame as Signal, ServerFrame } from "../src/do/chat-room.events";

export type Attachment = AttachmentView;
export type StoredEvent = ServerStoredEvent;

/** A message as the page keeps it: the `message` event plus what later events changed. */
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

/** Whether a frame is a stored event (has a place in the room's seq order). */
export const isStored = (frame: { type: string }): frame is StoredEvent => STORED_EVENT_TYPES.has(frame.type);
