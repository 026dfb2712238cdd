import { ApiError, checkUploadSize, iso, notFound } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import { loadNoteOrThrow, type Need } from "../access";
import type { Db, ServiceDeps } from "../deps";
import { safeFileName } from "../export/markdown-file";
import type { Attachment } from "./attachments.validation";
import { type AttachmentType, detectType, MAX_ATTACHMENT_BYTES } from "./sniff";

export type AttachmentDeps = ServiceDeps & { bucket: R2Bucket };

/** packages/http's size rule for attachments (422 empty, 413 past 10 MiB); the type is detected from the bytes (sniff.ts). */
const ATTACHMENT_SIZES = { maxBytes: MAX_ATTACHMENT_BYTES, label: "Attachments", field: "file" };

export interface RawAttachment {
  id: string;
  note_id: string;
  owner_id: string;
  filename: string;
  content_type: string;
  size: number;
  r2_key: string;
  created_at: number;
}

export const attachmentPath = (id: string) => `/notes/v1/attachments/${id}`;

const markdownFor = (a: RawAttachment) => {
  const label = a.filename.replace(/[[\]\\]/g, "\\$&");
  return a.content_type.startsWith("image/") ? `![${label}](${attachmentPath(a.id)})` : `[${label}](${attachmentPath(a.id)})`;
};

export const toAttachment = (a: RawAttachment): Attachment => ({
  id: a.id,
  noteId: a.note_id,
  filename: a.filename,
  contentType: a.content_type as AttachmentType,
  size: a.size,
  createdAt: iso(a.created_at),
  url: attachmentPath(a.id),
  markdown: markdownFor(a),
});

/** Most attachments one note may have. */
export const MAX_ATTACHMENTS_PER_NOTE = 100;

/**
 * Stores an upload in R2 and records it on the note (owner or editor). 413 past 10 MiB, 415 for a type
 * we do not accept (decided from the bytes for images and PDF), 409 past 100 attachments per note.
 */
export async function uploadAttachment(deps: AttachmentDeps, noteId: string, file: File): Promise<Attachment> {
  const { row: note } = await loadNoteOrThrow(deps, noteId, "edit");
  checkUploadSize(ATTACHMENT_SIZES, file.size);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const contentType = detectType(bytes, file.type, file.name);
  if (!contentType) {
    throw new ApiError("unsupported_media_type", "Only PNG, JPEG, GIF, WebP, PDF, plain-text and Markdown files can be attached");
  }
  const [count] = await deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM attachments WHERE note_id = ${noteId}`);
  if ((count?.n ?? 0) >= MAX_ATTACHMENTS_PER_NOTE)
    throw new ApiError("conflict", `A note can have at most ${MAX_ATTACHMENTS_PER_NOTE} attachments`);
  const id = nanoid();
  const row: RawAttachment = {
    id,
    note_id: noteId,
    owner_id: note.user_id,
    filename: safeFileName(file.name || "file").slice(0, 255),
    content_type: contentType,
    size: bytes.byteLength,
    r2_key: `attachments/${note.user_id}/${id}`,
    created_at: deps.now(),
  };
  await deps.bucket.put(row.r2_key, bytes, { httpMetadata: { contentType } });
  try {
    await deps.db.run(sql`INSERT INTO attachments (id, note_id, owner_id, filename, content_type, size, r2_key, created_at)
      VALUES (${row.id}, ${row.note_id}, ${row.owner_id}, ${row.filename}, ${row.content_type}, ${row.size}, ${row.r2_key}, ${row.created_at})`);
  } catch (err) {
    await deps.bucket.delete(row.r2_key); // no row, no bytes: nothing unreferenced stays in R2
    throw err;
  }
  return toAttachment(row);
}

export async function listAttachments(deps: ServiceDeps, noteId: string): Promise<Attachment[]> {
  await loadNoteOrThrow(deps, noteId, "read");
  const rows = await deps.db.all<RawAttachment>(sql`SELECT * FROM attachments WHERE note_id = ${noteId} ORDER BY created_at, id`);
  return rows.map(toAttachment);
}

async function attachmentOrThrow(db: Db, id: string): Promise<RawAttachment> {
  const [row] = await db.all<RawAttachment>(sql`SELECT * FROM attachments WHERE id = ${id}`);
  if (!row) throw notFound("Attachment");
  return row;
}

/**
 * An attachment the caller may read (through its note: owner or sharee), else 404; with `need` "edit",
 * a viewer of its note gets 403.
 */
export async function readableAttachment(deps: ServiceDeps, id: string, need: Need = "read"): Promise<RawAttachment> {
  const row = await attachmentOrThrow(deps.db, id);
  try {
    await loadNoteOrThrow(deps, row.note_id, need);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw notFound("Attachment");
    throw err;
  }
  return row;
}

/** An attachment of the note behind a public link, else 404. */
export async function publicAttachment(db: Db, noteId: string, id: string): Promise<RawAttachment> {
  const row = await attachmentOrThrow(db, id);
  if (row.note_id !== noteId) throw notFound("Attachment");
  return row;
}

/** Deletes an attachment (owner or editor of its note); its bytes leave R2 too. */
export async function deleteAttachment(deps: AttachmentDeps, id: string): Promise<void> {
  const row = await readableAttachment(deps, id, "edit");
  await deps.db.run(sql`DELETE FROM attachments WHERE id = ${id}`);
  await deps.bucket.delete(row.r2_key);
}
