import { z } from "zod";

// The frames every realtime socket shares, as zod schemas: the Durable Object builds them, clients and
// tests parse them. A product adds its own event and client frames beside these (see the README).

const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The replay after `since` is over; live events follow. `seq` is the head of the event log.
 *
 * @example const ready = readyFrame.parse(JSON.parse(data)); // { type: "ready", seq: 42, userId: "u1" }
 */
export const readyFrame = z.object({ type: z.literal("ready"), seq, userId: z.string() });
/** Who is online (sorted, distinct user ids); sent when it changes. */
export const presenceFrame = z.object({ type: z.literal("presence"), online: z.array(z.string()) });
/**
 * The one error frame: the socket stays open. `code` is a machine-readable reason, `detail` a sentence
 * for people (the same words as problem+json), `clientId` names the client frame it refuses, if any.
 */
export const errorFrame = z.object({
  type: z.literal("error"),
  code: z.string(),
  detail: z.string(),
  clientId: z.string().optional(),
});
/** The answer to a `ping` (with its `id` when it had one). */
export const pongFrame = z.object({ type: z.literal("pong"), id: z.string().optional() });
/** A numbered event: `{type, seq, ...payload}`; `seq` grows by one per stored event of the object. */
export const eventFrame = z.looseObject({ type: z.string(), seq });

/** The keep-alive a client sends (a bare `{"type":"ping"}` is answered without waking the object). */
export const pingFrame = z.strictObject({ type: z.literal("ping"), id: z.string().max(64).optional() });

/** The server frames that are not events. */
export const controlFrame = z.discriminatedUnion("type", [readyFrame, presenceFrame, errorFrame, pongFrame]);

export type ReadyFrame = z.infer<typeof readyFrame>;
export type PresenceFrame = z.infer<typeof presenceFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export type PongFrame = z.infer<typeof pongFrame>;
export type PingFrame = z.infer<typeof pingFrame>;
export type EventFrame = z.infer<typeof eventFrame>;
export type ControlFrame = z.infer<typeof controlFrame>;
