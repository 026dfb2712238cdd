import { textField } from "@edgeworks/http";
import { pingFrame } from "@edgeworks/realtime";
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
// an emoji or a :shortcode:, never whitespace or control characters; a string over 64 is refused
// before the pattern and the code-point count look at it (zod runs later checks unless one aborts)
const emoji = z
  .string()
  .min(1)
  .max(64, { abort: true })
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
  pingFrame,
]);
export type ClientFrame = z.infer<typeof clientFrame>;

// The page imports the dependency-free ClientFrame of chat-room.events.ts: it must be this type, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<ClientFrame, import("./chat-room.events").ClientFrame>;

export type { AttachmentView, EphemeralFrame, FrameErrorCode, ServerFrame, StoredEvent } from "./chat-room.events";
