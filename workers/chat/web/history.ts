// Pages of a room's history over HTTP (GET /chat/v1/rooms/{id}/messages), in the page's message shape.
import { chat, ok } from "./api";
import type { ChatMessage } from "./protocol";

export interface HistoryPage {
  /** Oldest first. */
  messages: ChatMessage[];
  /** Pass as `before` for the page before this one; null at the start of the room. */
  nextBefore: number | null;
}

/** The newest `limit` messages with seq < `before` (or the newest of all). */
export async function fetchHistory(roomId: string, limit: number, before?: number): Promise<HistoryPage> {
  const page = await ok(
    chat.GET("/chat/v1/rooms/{id}/messages", { params: { path: { id: roomId }, query: before ? { limit, before } : { limit } } }),
  );
  return {
    // the schema's Message is nullable (it is also a room's `lastMessage`); a page never holds null
    messages: page.items.flatMap((item) => {
      if (!item) return [];
      const { editedAt, deletedAt, reactions, ...m } = item;
      return [
        {
          ...m,
          ...(editedAt ? { editedAt } : {}),
          ...(deletedAt ? { deleted: true, text: "" } : {}),
          reactions: Object.fromEntries(reactions.map((r) => [r.emoji, r.userIds])),
        },
      ];
    }),
    nextBefore: page.nextBefore,
  };
}
