import { textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

/** Frames larger than this (UTF-8 bytes) are refused with an `error` frame. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest message text, in code points. */
export const MAX_TEXT = 4000;
/** Attachments per message. */
export const MAX_ATTACHMENTS = 10;

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters");
/** What a clientId looks like; an error frame echoes only a clientId of this shape. */
export const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;
const clientId = z.string().regex(CLIENT_ID, "Must be 1..128 printable ASCII characters without spaces");
const text = textField({ min: 1, max: MAX_TEXT });
// an emoji or a :shortcode:, never whitespace or control characters
const emoji = z
  .string()
  .min(1)
  .max(64)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .regex(/^[^\s\u0000-\u001f\u007f]+$/, "Must be an emoji or a shortcode without spaces")
  .refine((s) => [...s].length <= 16 && s.isWellFormed(), "Must be at most 16 characters of valid Unicode");
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Every frame a client may send, validated as one discriminated union on `type`. */
export const clientFrame = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("message"),
    clientId,
    text: textField({ min: 0, max: MAX_TEXT }).optional(),
    attachments: z.array(id).max(MAX_ATTACHMENTS).optional(),
  }),
  z.strictObject({ type: z.literal("typing") }),
  z.strictObject({ type: z.literal("read"), seq }),
  z.strictObject({ type: z.literal("react"), messageId: id, emoji }),
  z.strictObject({ type: z.literal("edit"), messageId: id, text }),
  z.strictObject({ type: z.literal("delete"), messageId: id }),
  z.strictObject({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

/** An attachment as it appears on a message. */
export interface AttachmentView {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

/** The stored events (each with a room-wide `seq`), as sent on the socket and replayed. */
export type StoredEvent =
  | {
      type: "message";
      seq: number;
      id: string;
      userId: string;
      clientId: string;
      text: string;
      attachments: AttachmentView[];
      createdAt: string;
      deleted?: true;
    }
  | { type: "edited"; seq: number; messageId: string; userId: string; text: string; editedAt: string }
  | { type: "deleted"; seq: number; messageId: string; userId: string; deletedAt: string }
  | { type: "reaction"; seq: number; messageId: string; userId: string; emoji: string; action: "added" | "removed"; createdAt: string }
  | {
      type: "member";
      seq: number;
      userId: string;
      action: "joined" | "left" | "removed" | "role";
      role: string | null;
      byUserId: string;
      createdAt: string;
    }
  | { type: "room"; seq: number; name: string | null; byUserId: string; createdAt: string };

/** The error codes of `error` frames. */
export type FrameErrorCode = "invalid_frame" | "too_large" | "rate_limited" | "not_found" | "forbidden" | "invalid_attachment";

/** Frames that are not stored and carry no `seq` of the event log (a read receipt's `seq` is a position). */
export type EphemeralFrame =
  | { type: "ack"; clientId: string; seq: number; id: string }
  | { type: "ready"; seq: number; userId: string }
  | { type: "typing"; userId: string; expiresAt: string }
  | { type: "read"; userId: string; seq: number }
  | { type: "presence"; online: string[] }
  | { type: "error"; code: FrameErrorCode; message: string; clientId?: string }
  | { type: "pong" };

export type ServerFrame = StoredEvent | EphemeralFrame;
