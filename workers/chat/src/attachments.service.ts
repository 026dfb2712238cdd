import { ApiError, notFound } from "@edgeworks/http";
import { nanoid } from "nanoid";
import { type ChatDeps, roomStub } from "./deps";
import { loadMembershipOrThrow } from "./rooms.service";

/** Largest file: 10 MiB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Accepted types, each with the leading bytes its content must start with (null: text, checked as UTF-8). */
export const FILE_TYPES: Record<string, number[][] | null> = {
  "image/png": [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  "image/jpeg": [[0xff, 0xd8, 0xff]],
  "image/gif": [
    [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
    [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  ],
  "image/webp": [[0x52, 0x49, 0x46, 0x46]],
  "application/pdf": [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  "application/zip": [[0x50, 0x4b, 0x03, 0x04]],
  "text/plain": null,
};

const INLINE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The key of a file in R2: built from ids we generated, never from user input. */
const fileKey = (roomId: string, id: string) => `rooms/${roomId}/${id}`;

function contentMatches(type: string, bytes: Uint8Array): boolean {
  const signatures = FILE_TYPES[type];
  if (signatures === null) {
    try {
      const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
      return !text.includes("\u0000");
    } catch {
      return false;
    }
  }
  return (signatures ?? []).some((sig) => sig.every((b, i) => bytes[i] === b));
}

/** The media type without parameters, lower-cased; 415 unless it is one we accept. */
export function acceptedType(header: string | undefined): string {
  const type = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!(type in FILE_TYPES)) {
    throw new ApiError("unsupported_media_type", `Accepted types: ${Object.keys(FILE_TYPES).join(", ")}`);
  }
  return type;
}

/** Stores an upload in R2 and registers it with the room; a message of the uploader can then attach it. */
export async function uploadAttachment(deps: ChatDeps, roomId: string, input: { type: string; name: string; body: ArrayBuffer }) {
  await loadMembershipOrThrow(deps, roomId);
  const bytes = new Uint8Array(input.body);
  if (bytes.byteLength === 0)
    throw new ApiError("validation_failed", "The file is empty", {
      errors: [{ path: "", location: "body", message: "Must not be empty" }],
    });
  if (bytes.byteLength > MAX_FILE_BYTES) throw new ApiError("payload_too_large", `Files are limited to ${MAX_FILE_BYTES} bytes`);
  if (!contentMatches(input.type, bytes)) {
    throw new ApiError("validation_failed", "The content does not match its type", {
      errors: [{ path: "content-type", location: "header", message: `The bytes are not ${input.type}` }],
    });
  }
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
  return { id, name: input.name, contentType: input.type, size: bytes.byteLength, url: `/chat/v1/rooms/${roomId}/attachments/${id}` };
}

/** A file for a member, honouring Range; 404 for non-members, unknown files and files of deleted messages. */
export async function downloadAttachment(deps: ChatDeps, roomId: string, id: string, request: Request): Promise<Response> {
  await loadMembershipOrThrow(deps, roomId);
  const meta = await roomStub(deps.env, roomId).getAttachment(roomId, id);
  if (!meta) throw notFound("Attachment");
  const object = await deps.env.CHAT_FILES.get(fileKey(roomId, id), { range: request.headers });
  if (!object) throw notFound("Attachment");
  const headers = new Headers({
    "Content-Type": meta.contentType,
    "Content-Disposition": `${INLINE.has(meta.contentType) ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(meta.name)}`,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
    "Accept-Ranges": "bytes",
    ETag: object.httpEtag,
  });
  const range = object.range as { offset?: number; length?: number; suffix?: number } | undefined;
  if (range && request.headers.has("Range")) {
    const offset = range.suffix !== undefined ? meta.size - range.suffix : (range.offset ?? 0);
    const length = range.suffix ?? range.length ?? meta.size - offset;
    headers.set("Content-Range", `bytes ${offset}-${offset + length - 1}/${meta.size}`);
    headers.set("Content-Length", String(length));
    return new Response((object as R2ObjectBody).body, { status: 206, headers });
  }
  headers.set("Content-Length", String(meta.size));
  return new Response((object as R2ObjectBody).body, { status: 200, headers });
}
