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

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** The type the bytes are, by magic number, for the binary types we accept; null otherwise. */
export function sniffBinary(b: Uint8Array): AttachmentType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))) return "image/gif";
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(b, ascii("%PDF-"))) return "application/pdf";
  return null;
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
  const sniffed = sniffBinary(bytes);
  if (sniffed) return sniffed;
  const byExtension = /\.(md|markdown)$/i.test(filename) ? "text/markdown" : /\.txt$/i.test(filename) ? "text/plain" : "";
  const mime = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  const text = TEXT_TYPES[mime] ?? (mime === "" || mime === "application/octet-stream" ? TEXT_TYPES[byExtension] : undefined);
  if (!text || bytes.includes(0)) return null;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  return text;
}

/** Shown inline by browsers (images, PDF); text is offered as a download. */
export const isInline = (type: string) => type.startsWith("image/") || type === "application/pdf";
