import type { z } from "zod";

/** Why a client frame was refused; the product picks the error code it answers with. */
export type FrameRefusal =
  | { reason: "too_large"; detail: string }
  | { reason: "binary"; detail: string }
  | { reason: "not_json"; detail: string }
  | { reason: "invalid"; detail: string; issues: z.core.$ZodIssue[]; raw: unknown };

/**
 * UTF-8 size of a frame, without encoding a string that cannot be too large (3 bytes per UTF-16 unit at most).
 *
 * @example if (frameBytes(message, 65_536) > 65_536) ws.close(1009, "Frame too large");
 */
export const frameBytes = (message: string | ArrayBuffer, max: number): number =>
  typeof message === "string"
    ? message.length * 3 <= max
      ? message.length
      : new TextEncoder().encode(message).byteLength
    : message.byteLength;

/**
 * Reads one client frame of a socket: size, then JSON text, then the product's zod union. The caller
 * answers a refusal with an error frame (or closes, e.g. 1009 for `too_large`); the socket survives.
 *
 * @example
 * const read = readFrame(message, clientFrame, 64 * 1024);
 * if (!read.ok) return hub.send(ws, { type: "error", code: "invalid_frame", detail: read.detail });
 */
export function readFrame<S extends z.ZodType>(
  message: string | ArrayBuffer,
  schema: S,
  maxBytes: number,
): { ok: true; frame: z.infer<S> } | ({ ok: false } & FrameRefusal) {
  if (frameBytes(message, maxBytes) > maxBytes) {
    return { ok: false, reason: "too_large", detail: `Frames are limited to ${maxBytes} bytes` };
  }
  if (typeof message !== "string") return { ok: false, reason: "binary", detail: "Frames must be JSON text" };
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return { ok: false, reason: "not_json", detail: "The frame is not valid JSON" };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, reason: "invalid", detail: `${where}${issue?.message ?? "Invalid frame"}`, issues: parsed.error.issues, raw };
}
