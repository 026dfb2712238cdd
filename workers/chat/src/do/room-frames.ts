import { iso, log } from "@edgeworks/http";
import { readFrame } from "@edgeworks/realtime";
import { eq } from "drizzle-orm";
import { nanoid } from "nanoid";
import { attachToMessage, claimAttachments, fileKey } from "./attachment-store";
import type { SocketState } from "./chat-room";
import {
  CLIENT_ID,
  type ClientFrame,
  clientFrame,
  type FrameErrorCode,
  MAX_FRAME_BYTES,
  type ServerFrame,
  type StoredEvent,
} from "./chat-room.protocol";
import { messages, reactions } from "./chat-room.schema";
import { memberRole } from "./memberships";
import type { QueueBatcher } from "./queue-batcher";
import type { RateBuckets } from "./rate-bucket";
import {
  type appendEvent,
  distinctReactions,
  findByClientId,
  findMessage,
  hasReaction,
  insertMessage,
  markRead,
  type RoomDb,
  redactMessageEvents,
  toggleReaction,
} from "./room-store";

/** How long a `typing` indicator lasts on clients unless renewed. */
export const TYPING_TTL_MS = 5_000;
/** A user's typing frames are relayed at most this often. */
const TYPING_THROTTLE_MS = 1_000;
/** Distinct emoji on one message. */
const MAX_DISTINCT_REACTIONS = 50;

/** What the frame handlers need from the room (the ChatRoom Durable Object). */
export interface RoomContext {
  /** The room's storage through drizzle (synchronous queries). */
  readonly db: RoomDb;
  readonly bindings: Env;
  readonly state: DurableObjectState;
  readonly roomId: string | null;
  head: number;
  readonly buckets: RateBuckets;
  readonly typingAt: Map<string, number>;
  /** Message changes for the search index and new messages for notifications, sent in batches. */
  readonly searchQueue: QueueBatcher;
  readonly notifyQueue: QueueBatcher;
  store(body: Parameters<typeof appendEvent>[2]): StoredEvent;
  broadcast(frame: ServerFrame, filter?: (s: SocketState) => boolean): void;
  connectedUsers(except?: WebSocket): string[];
}

const send = (ws: WebSocket, frame: ServerFrame) => ws.send(JSON.stringify(frame));
const fail = (ws: WebSocket, code: FrameErrorCode, detail: string, clientId?: string) =>
  send(ws, { type: "error", code, detail, ...(clientId ? { clientId } : {}) });

/** Parses and validates one client frame; answers an `error` frame (the socket stays up) when it is not one. */
function parseFrame(ws: WebSocket, message: string | ArrayBuffer): ClientFrame | null {
  const read = readFrame(message, clientFrame, MAX_FRAME_BYTES);
  if (read.ok) return read.frame;
  if (read.reason === "too_large") {
    fail(ws, "too_large", read.detail);
  } else if (read.reason === "invalid") {
    // echo the clientId of a refused message only when it is one (never reflect arbitrary input)
    const rawId = (read.raw as { clientId?: unknown } | null)?.clientId;
    fail(ws, "invalid_frame", read.detail, typeof rawId === "string" && CLIENT_ID.test(rawId) ? rawId : undefined);
  } else {
    fail(ws, "invalid_frame", read.detail);
  }
  return null;
}

/** Handles one frame from a member's socket. */
export async function handleFrame(room: RoomContext, ws: WebSocket, state: SocketState, message: string | ArrayBuffer): Promise<void> {
  const frame = parseFrame(ws, message);
  if (!frame) return;
  const now = Date.now();
  switch (frame.type) {
    case "ping":
      return send(ws, { type: "pong", ...(frame.id === undefined ? {} : { id: frame.id }) });
    case "typing":
      return relayTyping(room, state, now);
    case "read": {
      const seq = markRead(room.db, state.userId, Math.min(frame.seq, room.head));
      return room.broadcast({ type: "read", userId: state.userId, seq });
    }
    case "message":
      return postMessage(room, ws, state, frame, now);
    case "edit":
    case "delete":
    case "react":
      return changeMessage(room, ws, state, frame, now);
  }
}

function relayTyping(room: RoomContext, state: SocketState, now: number): void {
  if (now - (room.typingAt.get(state.userId) ?? 0) < TYPING_THROTTLE_MS) return;
  room.typingAt.set(state.userId, now);
  room.broadcast({ type: "typing", userId: state.userId, expiresAt: iso(now + TYPING_TTL_MS) }, (s) => s.userId !== state.userId);
}

function postMessage(room: RoomContext, ws: WebSocket, state: SocketState, frame: Extract<ClientFrame, { type: "message" }>, now: number) {
  const { clientId } = frame;
  const existing = findByClientId(room.db, state.userId, clientId);
  if (existing) return send(ws, { type: "ack", clientId, seq: existing.seq, id: existing.id });
  const text = frame.text ?? "";
  if (text.trim() === "" && (frame.attachments ?? []).length === 0) {
    return fail(ws, "invalid_frame", "text: A message needs text or an attachment", clientId);
  }
  if (!room.buckets.take(state.userId, now)) return fail(ws, "rate_limited", "Too many messages; slow down", clientId);
  const attachments = claimAttachments(room.db, room.roomId ?? "", state.userId, frame.attachments ?? []);
  if (!attachments) return fail(ws, "invalid_attachment", "An attachment is unknown, not yours or already sent", clientId);

  const id = nanoid();
  const event = room.store({ type: "message", id, userId: state.userId, clientId, text, attachments, createdAt: iso(now) });
  insertMessage(room.db, {
    id,
    seq: event.seq,
    userId: state.userId,
    clientId,
    text,
    attachments,
    createdAt: now,
    editedAt: null,
    deletedAt: null,
  });
  attachToMessage(
    room.db,
    id,
    attachments.map((a) => a.id),
  );
  markRead(room.db, state.userId, event.seq);
  send(ws, { type: "ack", clientId, seq: event.seq, id });
  const roomId = room.roomId ?? "";
  room.searchQueue.add({
    kind: "upsert",
    roomId,
    messageId: id,
    seq: event.seq,
    version: event.seq,
    userId: state.userId,
    text,
    createdAt: now,
  });
  room.notifyQueue.add({
    roomId,
    messageId: id,
    seq: event.seq,
    senderId: state.userId,
    text: text.slice(0, 200),
    connected: room.connectedUsers(),
    createdAt: now,
  });
}

type ChangeFrame = Extract<ClientFrame, { type: "edit" | "delete" | "react" }>;

/** Owners and admins moderate: they may delete anyone's message (asked of D1, the source of roles). */
async function isModerator(room: RoomContext, userId: string): Promise<boolean> {
  const role = await memberRole(room.bindings.DB, room.roomId ?? "", userId);
  return role === "owner" || role === "admin";
}

async function changeMessage(room: RoomContext, ws: WebSocket, state: SocketState, frame: ChangeFrame, now: number) {
  const found = findMessage(room.db, frame.messageId);
  if (!found || found.deletedAt !== null) return fail(ws, "not_found", "No such message in this room");
  if (frame.type === "edit" && found.userId !== state.userId) return fail(ws, "forbidden", "Only the author may edit a message");
  if (frame.type === "delete" && found.userId !== state.userId && !(await isModerator(room, state.userId))) {
    return fail(ws, "forbidden", "Only the author, the owner or an admin may delete a message");
  }
  // read again: other frames may have run while the role was looked up
  const message = findMessage(room.db, frame.messageId);
  if (!message || message.deletedAt !== null) return fail(ws, "not_found", "No such message in this room");
  if (!room.buckets.take(state.userId, now)) return fail(ws, "rate_limited", "Too many changes; slow down");
  const roomId = room.roomId ?? "";
  const base = { roomId, messageId: message.id, userId: message.userId, createdAt: message.createdAt };
  if (frame.type === "edit") {
    room.db.update(messages).set({ text: frame.text, editedAt: now }).where(eq(messages.id, message.id)).run();
    const event = room.store({ type: "edited", messageId: message.id, userId: state.userId, text: frame.text, editedAt: iso(now) });
    room.searchQueue.add({ kind: "upsert", ...base, seq: message.seq, version: event.seq, text: frame.text });
    return;
  }
  if (frame.type === "delete") {
    room.db.update(messages).set({ deletedAt: now, text: "" }).where(eq(messages.id, message.id)).run();
    room.db.delete(reactions).where(eq(reactions.messageId, message.id)).run();
    redactMessageEvents(room.db, message.id, message.seq);
    const event = room.store({ type: "deleted", messageId: message.id, userId: state.userId, deletedAt: iso(now) });
    const files = message.attachments.map((a) => fileKey(roomId, a.id));
    room.searchQueue.add({ kind: "delete", ...base, seq: message.seq, version: event.seq, text: "" });
    // a deleted message's files are deleted too (downloads already refuse them)
    if (files.length > 0) {
      room.state.waitUntil(
        room.bindings.CHAT_FILES.delete(files).catch((err) =>
          log(room.bindings.LOG_LEVEL, "error", "file delete failed", { error: String(err) }),
        ),
      );
    }
    return;
  }
  const known = hasReaction(room.db, message.id, frame.emoji);
  if (!known && distinctReactions(room.db, message.id) >= MAX_DISTINCT_REACTIONS) {
    return fail(ws, "invalid_frame", `A message has at most ${MAX_DISTINCT_REACTIONS} different reactions`);
  }
  const action = toggleReaction(room.db, message.id, state.userId, frame.emoji, now);
  room.store({ type: "reaction", messageId: message.id, userId: state.userId, emoji: frame.emoji, action, createdAt: iso(now) });
}
