import { and, eq, isNull } from "drizzle-orm";
import type { AttachmentView } from "./chat-room.events";
import { attachments, messages } from "./chat-room.schema";
import type { RoomDb } from "./room-store";

/** The key of a file in R2: built from ids we generated, never from user input. */
export const fileKey = (roomId: string, id: string) => `rooms/${roomId}/${id}`;

/** Where members download a file. */
export const attachmentUrl = (roomId: string, id: string) => `/chat/v1/rooms/${roomId}/attachments/${id}`;

/** An upload registered by the Worker after it stored the bytes in R2. */
export interface NewAttachment {
  id: string;
  userId: string;
  name: string;
  contentType: string;
  size: number;
}

export function addAttachment(db: RoomDb, a: NewAttachment, now: number): void {
  db.insert(attachments)
    .values({ ...a, createdAt: now })
    .run();
}

const meta = { id: attachments.id, name: attachments.name, contentType: attachments.contentType, size: attachments.size };

/** An attachment's metadata unless its message was deleted. */
export function findAttachment(db: RoomDb, id: string): { id: string; name: string; contentType: string; size: number } | null {
  return (
    db
      .select(meta)
      .from(attachments)
      .leftJoin(messages, eq(messages.id, attachments.messageId))
      .where(and(eq(attachments.id, id), isNull(messages.deletedAt)))
      .get() ?? null
  );
}

/** The attachments a message may carry: uploaded to this room by the sender and not yet sent. */
export function claimAttachments(db: RoomDb, roomId: string, userId: string, ids: string[]): AttachmentView[] | null {
  const out: AttachmentView[] = [];
  for (const id of new Set(ids)) {
    const row = db
      .select(meta)
      .from(attachments)
      .where(and(eq(attachments.id, id), eq(attachments.userId, userId), isNull(attachments.messageId)))
      .get();
    if (!row) return null;
    out.push({ ...row, url: attachmentUrl(roomId, id) });
  }
  return out;
}

/** Marks attachments as carried by a message (they can no longer be claimed). */
export function attachToMessage(db: RoomDb, messageId: string, ids: string[]): void {
  for (const id of ids) db.update(attachments).set({ messageId }).where(eq(attachments.id, id)).run();
}
