import type { AttachmentView } from "./chat-room.events";

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

export function addAttachment(sql: SqlStorage, a: NewAttachment, now: number): void {
  sql.exec(
    "INSERT INTO attachments (id, user_id, name, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    a.id,
    a.userId,
    a.name,
    a.contentType,
    a.size,
    now,
  );
}

/** An attachment's metadata unless its message was deleted. */
export function findAttachment(sql: SqlStorage, id: string): { id: string; name: string; contentType: string; size: number } | null {
  const row = sql
    .exec(
      `SELECT a.id, a.name, a.content_type, a.size FROM attachments a LEFT JOIN messages m ON m.id = a.message_id
       WHERE a.id = ? AND m.deleted_at IS NULL`,
      id,
    )
    .toArray()[0];
  return row ? { id: String(row.id), name: String(row.name), contentType: String(row.content_type), size: Number(row.size) } : null;
}

/** The attachments a message may carry: uploaded to this room by the sender and not yet sent. */
export function claimAttachments(sql: SqlStorage, roomId: string, userId: string, ids: string[]): AttachmentView[] | null {
  const out: AttachmentView[] = [];
  for (const id of new Set(ids)) {
    const row = sql
      .exec("SELECT id, name, content_type, size FROM attachments WHERE id = ? AND user_id = ? AND message_id IS NULL", id, userId)
      .toArray()[0];
    if (!row) return null;
    out.push({
      id,
      name: String(row.name),
      contentType: String(row.content_type),
      size: Number(row.size),
      url: attachmentUrl(roomId, id),
    });
  }
  return out;
}
