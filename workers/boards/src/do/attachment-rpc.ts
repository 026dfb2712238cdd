import type { AttachmentRow } from "./board.schema";

// The attachment shapes the Worker (routes/attachments.ts) sends and reads over RPC. They keep the
// storage columns' names they had before the board moved onto drizzle, so the RPC contract is unchanged.

/** An uploaded file the Worker stored in R2, to record on a card. */
export interface NewAttachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  r2_key: string;
}

/** An attachment's metadata as the Worker reads it. */
export interface AttachmentMeta extends NewAttachment {
  card_id: string;
  created_by: string;
  created_at: number;
}

/** A new attachment as the store's row fields. */
export const fromNewAttachment = ({ content_type: contentType, r2_key: r2Key, ...rest }: NewAttachment) => ({
  ...rest,
  contentType,
  r2Key,
});

/** A stored attachment as the Worker reads it. */
export const toAttachmentMeta = (row: AttachmentRow): AttachmentMeta => ({
  id: row.id,
  card_id: row.cardId,
  filename: row.filename,
  content_type: row.contentType,
  size: row.size,
  r2_key: row.r2Key,
  created_by: row.createdBy,
  created_at: row.createdAt,
});
