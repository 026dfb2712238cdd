import { acceptedUploadType, checkUpload, notFound, serveR2File, type UploadPolicy } from "@edgeworks/http";
import { nanoid } from "nanoid";
import { type ChatDeps, roomStub } from "./deps";
import { attachmentUrl, fileKey } from "./do/attachment-store";
import { loadMembershipOrThrow } from "./rooms.service";

/** Largest file: 10 MiB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Accepted types; the bytes must be the declared type (by magic number), or UTF-8 for text/plain. */
export const FILE_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "application/zip",
  "text/plain",
] as const;

const INLINE = new Set<string>(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** packages/http's upload policy: the declared type must be accepted and the bytes must be it (422 when not, as chat documents). */
export const FILE_POLICY: UploadPolicy = { types: FILE_TYPES, maxBytes: MAX_FILE_BYTES, label: "Files", mismatch: "validation_failed" };

/** The media type without parameters, lower-cased; 415 unless it is one we accept. */
export const acceptedType = (header: string | undefined): string => acceptedUploadType(FILE_POLICY, header);

/** Stores an upload in R2 and registers it with the room; a message of the uploader can then attach it. */
export async function uploadAttachment(deps: ChatDeps, roomId: string, input: { type: string; name: string; body: ArrayBuffer }) {
  await loadMembershipOrThrow(deps, roomId);
  const bytes = new Uint8Array(input.body);
  checkUpload(FILE_POLICY, input.type, bytes);
  const id = nanoid();
  await deps.env.CHAT_FILES.put(fileKey(roomId, id), bytes, {
    httpMetadata: { contentType: input.type },
    customMetadata: { uploader: deps.userId },
  });
  await roomStub(deps.env, roomId).addAttachment(roomId, {
    id,
    userId: deps.userId,
    name: input.name,
    contentType: input.type,
    size: bytes.byteLength,
  });
  return { id, name: input.name, contentType: input.type, size: bytes.byteLength, url: attachmentUrl(roomId, id) };
}

/** A file for a member, honouring Range; 404 for non-members, unknown files and files of deleted messages. */
export async function downloadAttachment(deps: ChatDeps, roomId: string, id: string, request: Request): Promise<Response> {
  await loadMembershipOrThrow(deps, roomId);
  const meta = await roomStub(deps.env, roomId).getAttachment(roomId, id);
  if (!meta) throw notFound("Attachment");
  return serveR2File(deps.env.CHAT_FILES, {
    key: fileKey(roomId, id),
    size: meta.size,
    contentType: meta.contentType,
    filename: meta.name,
    disposition: INLINE.has(meta.contentType) ? "inline" : "attachment",
    range: request.headers.get("Range"),
    label: "Attachment",
    headers: { "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=3600" },
  });
}
