// What the tab remembers about a room across reloads: the last seq it has seen, the messages it has
// shown (so a reload paints at once and resumes with `since`) and the messages not yet acknowledged.
import type { ChatMessage, StoredEvent } from "./protocol";

export interface Pending {
  clientId: string;
  text: string;
  createdAt: string;
  /** Set by the ack: stored under this seq, shown as pending until its event arrives. */
  seq?: number;
}

export interface RoomState {
  lastSeq: number;
  messages: ChatMessage[];
  pending: Pending[];
}

/** The tab's stored copy keeps the newest this many messages (older ones are loaded again on demand). */
const KEEP = 500;

const key = (userId: string, roomId: string) => `chat:room:${userId}:${roomId}`;

/** Loads the tab's copy of a room (empty if none, or if it cannot be read). */
export function loadRoom(userId: string, roomId: string): RoomState {
  try {
    const raw = sessionStorage.getItem(key(userId, roomId));
    if (raw) {
      const state = JSON.parse(raw) as RoomState;
      if (Number.isInteger(state.lastSeq) && Array.isArray(state.messages) && Array.isArray(state.pending)) return state;
    }
  } catch {
    // unreadable: start from the beginning
  }
  return { lastSeq: 0, messages: [], pending: [] };
}

/**
 * Saves the tab's copy. If storage refuses (quota), the copy is dropped entirely, so that a reload
 * replays from the start rather than resuming after messages it never kept.
 */
export function saveRoom(userId: string, roomId: string, state: RoomState): void {
  const kept = state.messages.length > KEEP ? { ...state, messages: state.messages.slice(-KEEP) } : state;
  try {
    sessionStorage.setItem(key(userId, roomId), JSON.stringify(kept));
  } catch {
    sessionStorage.removeItem(key(userId, roomId));
  }
}

/** Forgets every room of this tab (on log out). */
export function clearRooms(): void {
  for (const k of Object.keys(sessionStorage)) if (k.startsWith("chat:room:")) sessionStorage.removeItem(k);
}

/**
 * Applies a stored event to the room. Events arrive in seq order on one socket, and a replay after a
 * reconnect can repeat what was already seen: anything at or below `lastSeq` is a duplicate.
 * Returns false for a duplicate (nothing changed).
 */
export function applyEvent(state: RoomState, frame: StoredEvent): boolean {
  if (frame.seq <= state.lastSeq) return false;
  state.lastSeq = frame.seq;
  const target = "messageId" in frame ? state.messages.find((m) => m.id === frame.messageId) : undefined;
  switch (frame.type) {
    case "message": {
      const { type: _type, ...message } = frame;
      state.messages.push(message);
      state.pending = state.pending.filter((p) => p.clientId !== message.clientId && p.seq !== message.seq);
      break;
    }
    case "edited":
      if (target) Object.assign(target, { text: frame.text, editedAt: frame.editedAt });
      break;
    case "deleted":
      if (target) Object.assign(target, { text: "", deleted: true, reactions: undefined });
      break;
    case "reaction": {
      if (!target) break;
      target.reactions ??= {};
      const reactions = target.reactions;
      const users = (reactions[frame.emoji] ?? []).filter((u) => u !== frame.userId);
      if (frame.action === "added") users.push(frame.userId);
      if (users.length) reactions[frame.emoji] = users;
      else delete reactions[frame.emoji];
      break;
    }
  }
  return true;
}

/**
 * The server acknowledged a message: it is stored under `seq` and is not to be sent again. It stays
 * on screen as pending until its event arrives (or is gone if the event came first).
 */
export function acknowledge(state: RoomState, clientId: string, seq: number): boolean {
  const pending = state.pending.find((p) => p.clientId === clientId);
  if (!pending) return false;
  if (seq <= state.lastSeq) state.pending = state.pending.filter((p) => p !== pending);
  else pending.seq = seq;
  return true;
}
