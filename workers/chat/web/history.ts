// Pages of a room's history over HTTP (GET /chat/v1/rooms/{id}/messages), in the page's message shape.
import { api } from "./api";
import type { ChatMessage } from "./protocol";

/** A message as the history route returns it. */
interface HistoryMessage extends Omit<ChatMessage, "reactions" | "editedAt"> {
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; userIds: string[] }[];
}

export interface HistoryPage {
  /** Oldest first. */
  messages: ChatMessage[];
  /** Pass as `before` for the page before this one; null at the start of the room. */
  nextBefore: number | null;
}

/** The newest `limit` messages with seq < `before` (or the newest of all). */
export async function fetchHistory(roomId: string, limit: number, before?: number): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(limit), ...(before ? { before: String(before) } : {}) });
  const page = await api<{ items: HistoryMessage[]; nextBefore: number | null }>(
    `/chat/v1/rooms/${encodeURIComponent(roomId)}/messages?${query}`,
  );
  return {
    messages: page.items.map(({ editedAt, deletedAt, reactions, ...m }) => ({
      ...m,
      ...(editedAt ? { editedAt } : {}),
      ...(deletedAt ? { deleted: true, text: "" } : {}),
      reactions: Object.fromEntries(reactions.map((r) => [r.emoji, r.userIds])),
    })),
    nextBefore: page.nextBefore,
  };
}
