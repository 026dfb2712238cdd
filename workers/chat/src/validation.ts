import { FILE_NAME, idParam, paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { ROLES } from "./schema";

/** Members of one room. */
export const MAX_MEMBERS = 500;
/** Members named when a room is created. */
export const MAX_INITIAL_MEMBERS = 100;

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const userIdField = () =>
  z.string().regex(USER_ID, "Must be a user id of 1-64 URL-safe characters").openapi({ example: "usr_4f9a2c" });
const roomName = textField({ min: 1, max: 100, trim: true }).openapi({ description: "1..100 characters, trimmed", example: "Design" });
const isoOut = z.iso.datetime().openapi({ example: "2026-11-26T09:15:00.000Z" });

export const roomParams = z.object({ id: idParam("Room id") });
export const memberParams = z.object({
  id: idParam("Room id"),
  userId: userIdField().openapi({ param: { name: "userId", in: "path" }, description: "The member's user id" }),
});

export const createRoomBody = z
  .strictObject({
    name: roomName,
    memberIds: z
      .array(userIdField())
      .max(MAX_INITIAL_MEMBERS, `At most ${MAX_INITIAL_MEMBERS} members`)
      .optional()
      .openapi({ description: "Users added as members (the creator is the owner); duplicates are ignored" }),
  })
  .openapi("CreateRoom");
const emailField = () =>
  z.email("Must be an email address").max(254, "Must be at most 254 characters").openapi({ example: "bob@example.com" });

/**
 * `{userId}` or `{email}`, exactly one: a refinement (so each field keeps its own error path), stated in
 * the document as `oneOf` two `required` lists. Neither or both is 422 on `userId`.
 */
const oneUser = <T extends { userId?: string; email?: string }>(body: T, ctx: z.RefinementCtx) => {
  if ((body.userId === undefined) === (body.email === undefined))
    ctx.addIssue({ code: "custom", path: ["userId"], message: "Give exactly one of `userId` or `email`" });
};
const oneUserDoc = { oneOf: [{ required: ["userId"] }, { required: ["email"] }] };

export const dmBody = z
  .strictObject({
    userId: userIdField().optional(),
    email: emailField().optional().openapi({ description: "The other user's account email (instead of `userId`)" }),
  })
  .superRefine(oneUser)
  .openapi("OpenDm", { ...oneUserDoc, description: "Exactly one of `userId` or `email`" });
export const renameRoomBody = z.strictObject({ name: roomName }).openapi("RenameRoom");
export const addMemberBody = z
  .strictObject({
    userId: userIdField().optional(),
    email: emailField().optional().openapi({ description: "The invitee's account email (instead of `userId`)" }),
    role: z.enum(["admin", "member"]).optional().openapi({ description: "Default `member`; only the owner may add admins" }),
  })
  .superRefine(oneUser)
  .openapi("AddMember", { ...oneUserDoc, description: "Exactly one of `userId` or `email`, and an optional `role`" });
export const updateMemberBody = z
  .strictObject({
    role: z.enum(ROLES).openapi({ description: "`owner` transfers ownership (the previous owner becomes admin)" }),
  })
  .openapi("UpdateMember");

export const memberSchema = z
  .object({
    userId: z.string(),
    name: z.string().nullable().openapi({ description: "The display name from accounts (as of the last invite or join); null if none" }),
    role: z.enum(ROLES),
    joinedAt: isoOut,
  })
  .openapi("Member");
export type Member = z.infer<typeof memberSchema>;

const roomShape = {
  id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
  kind: z.enum(["dm", "group"]),
  name: z.string().nullable().openapi({ description: "null for one-on-one rooms" }),
  createdBy: z.string(),
  createdAt: isoOut,
  updatedAt: isoOut,
  myRole: z.enum(ROLES),
  members: z.array(memberSchema),
};
export const roomSchema = z.object(roomShape).openapi("Room");
export type Room = z.infer<typeof roomSchema>;

const reactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()), count: z.number().int() }).openapi("Reaction");
export const attachmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    url: z.string().openapi({ description: "Download path (members only)" }),
  })
  .openapi("Attachment");
export const messageSchema = z
  .object({
    seq: z.number().int().openapi({ description: "The room-wide sequence number of the message's event" }),
    id: z.string(),
    userId: z.string(),
    clientId: z.string(),
    text: z.string().openapi({ description: "Empty when deleted" }),
    attachments: z.array(attachmentSchema),
    createdAt: isoOut,
    editedAt: isoOut.nullable(),
    deletedAt: isoOut.nullable().openapi({ description: "Deleted messages stay as tombstones, so seqs have no holes" }),
    reactions: z.array(reactionSchema),
  })
  .openapi("Message");

export const roomListItemSchema = z
  .object({
    ...roomShape,
    lastActivityAt: isoOut,
    lastMessage: messageSchema.nullable(),
    unreadCount: z.number().int().openapi({ description: "Messages from others after my read position" }),
    lastReadSeq: z.number().int(),
    headSeq: z.number().int().openapi({ description: "The room's newest seq" }),
  })
  .openapi("RoomListItem");
export const roomListSchema = z.object({ items: z.array(roomListItemSchema), nextCursor: z.string().nullable() }).openapi("RoomList");
export const listRoomsQuery = z.object({ ...paginationQuery });

export const historyQuery = z.object({
  before: z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "Only messages with seq < before (default: the newest)" }),
  limit: z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(100, "Must be at most 100")
    .default(50)
    .openapi({ description: "1..100, default 50" }),
});
export const historySchema = z
  .object({
    items: z.array(messageSchema).openapi({ description: "Oldest first" }),
    nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for older messages; null at the start" }),
    headSeq: z.number().int().openapi({
      description:
        "The room's newest event seq when this page was read: the page reflects every event up to it, so connect with `since=headSeq`",
    }),
  })
  .openapi("MessagePage");

export const ticketSchema = z
  .object({
    ticket: z.string().openapi({ description: "Single use; pass as `ticket` to the ws endpoint" }),
    expiresAt: isoOut.openapi({ description: "60 seconds after issue" }),
  })
  .openapi("Ticket");

export const wsQuery = z.object({
  ticket: z.string().optional().openapi({ description: "From POST /rooms/{id}/ticket; missing or bad is 401" }),
  since: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, "Must be a non-negative integer")
    .optional()
    .openapi({ description: "Replay every stored event with seq > since before live events; omitted: no replay" }),
});

export const searchQuery = z.object({
  q: textField({ min: 1, max: 200 }).openapi({ description: "Words to find (all of them, prefix match on the last)" }),
  roomId: idParam("Only this room")
    .optional()
    .openapi({ param: { name: "roomId", in: "query" } }),
  ...paginationQuery,
});
export const searchHitSchema = z
  .object({
    roomId: z.string(),
    messageId: z.string(),
    seq: z.number().int(),
    userId: z.string(),
    text: z.string(),
    snippet: z.string().openapi({ description: "The matching part, terms wrapped in [ ]" }),
    createdAt: isoOut,
  })
  .openapi("SearchHit");
export const searchResultSchema = z.object({ items: z.array(searchHitSchema), nextCursor: z.string().nullable() }).openapi("SearchResult");

export const presenceQuery = z.object({
  userIds: z
    .string()
    .max(6500)
    .transform((s) => [...new Set(s.split(",").map((x) => x.trim()))])
    .pipe(z.array(userIdField()).min(1).max(100, "At most 100 user ids"))
    .openapi({ type: "string", description: "Comma-separated user ids (1..100)", example: "alice,bob" }),
});
export const presenceSchema = z
  .object({
    items: z.array(
      z.object({
        userId: z.string(),
        online: z.boolean(),
        lastSeenAt: isoOut.nullable().openapi({ description: "When the last socket closed; null while online or unknown" }),
      }),
    ),
  })
  .openapi("PresenceList");

export const pushSubscriptionBody = z
  .strictObject({
    endpoint: z.url().max(2048).openapi({ description: "The push service URL (https)" }),
    keys: z.strictObject({
      p256dh: z.string().regex(/^[A-Za-z0-9_-]{80,100}={0,2}$/, "Must be the base64url P-256 public key"),
      auth: z.string().regex(/^[A-Za-z0-9_-]{16,24}={0,2}$/, "Must be the base64url auth secret"),
    }),
  })
  .openapi("PushSubscriptionInput");
export const pushSubscriptionSchema = z.object({ id: z.string(), endpoint: z.string(), createdAt: isoOut }).openapi("PushSubscription");
export const subscriptionParams = z.object({ id: idParam("Subscription id") });

export const uploadQuery = z.object({
  name: textField({
    min: 1,
    max: 200,
    pattern: FILE_NAME,
    rule: "Must be a file name without slashes or control characters",
  })
    .optional()
    .openapi({ description: "The file name shown to members (default `file`)" }),
});
export const attachmentParams = z.object({
  id: idParam("Room id"),
  attachmentId: idParam("Attachment id").openapi({ param: { name: "attachmentId", in: "path" } }),
});
