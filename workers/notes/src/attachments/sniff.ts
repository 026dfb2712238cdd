import { isUtf8Text, mediaTypeOf, sniffBinaryType } from "@edgeworks/http";

/** Attachment types we accept; images and PDF are recognised by their bytes, never by the declared type. */
export const ATTACHMENT_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/markdown",
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The largest attachment: 10 MiB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const isAccepted = (type: string): type is AttachmentType => (ATTACHMENT_TYPES as readonly string[]).includes(type);

/** The type the bytes are, by magic number, for the binary types we accept; null otherwise. */
export function sniffBinary(b: Uint8Array): AttachmentType | null {
  const sniffed = sniffBinaryType(b);
  return sniffed && isAccepted(sniffed) ? sniffed : null;
}

const TEXT_TYPES: Record<string, AttachmentType> = {
  "text/plain": "text/plain",
  "text/markdown": "text/markdown",
  "text/x-markdown": "text/markdown",
};

/**
 * The stored type of an upload, or null when it is not one we accept: a recognised binary signature
 * wins; otherwise a declared text type is accepted only for valid UTF-8 without NUL bytes (so no
 * binary slips through as "text"). SVG and HTML are refused: they can carry script.
 */
export function detectType(bytes: Uint8Array, declared: string, filename = ""): AttachmentType | null {
  const sniffed = sniffBinaryType(bytes);
  if (sniffed) return isAccepted(sniffed) ? sniffed : null;
  const byExtension = /\.(md|markdown)$/i.test(filename) ? "text/markdown" : /\.txt$/i.test(filename) ? "text/plain" : "";
  const mime = mediaTypeOf(declared);
  const text = TEXT_TYPES[mime] ?? (mime === "" || mime === "application/octet-stream" ? TEXT_TYPES[byExtension] : undefined);
  return text && isUtf8Text(bytes) ? text : null;
}

/** Shown inline by browsers (images, PDF); text is offered as a download. */
export const isInline = (type: string) => type.startsWith("image/") || type === "application/pdf";
