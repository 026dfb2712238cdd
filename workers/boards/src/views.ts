import { z } from "@hono/zod-openapi";
import { ROLES } from "./validation";

// The response shapes: the OpenAPI document and the TypeScript types the Durable Object returns.
const iso = z.iso.datetime().openapi({ example: "2026-11-26T09:15:00.000Z" });

export const checklistSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    items: z.array(z.object({ id: z.string(), text: z.string(), done: z.boolean() }).openapi("ChecklistItem")),
  })
  .openapi("Checklist");
export const commentSchema = z
  .object({ id: z.string(), authorId: z.string(), text: z.string(), createdAt: iso, editedAt: iso.nullable() })
  .openapi("Comment");
export const attachmentSchema = z
  .object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), createdBy: z.string(), createdAt: iso })
  .openapi("Attachment");

export const cardSchema = z
  .object({
    id: z.string().openapi({ example: "Ab3dEf6hIj9kLm2n-cQr5sTu8vWx1" }),
    boardId: z.string(),
    listId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    pos: z.string().openapi({ description: "Fractional-index key: cards sort by it (byte order)", example: "a0V" }),
    dueAt: iso.nullable(),
    labels: z.array(z.string()),
    assignees: z.array(z.string()),
    archived: z.boolean(),
    version: z.number().int().openapi({ description: 'Grows on every change; the ETag is `"<version>"`' }),
    checklists: z.array(checklistSchema),
    comments: z.array(commentSchema),
    attachments: z.array(attachmentSchema),
    blockedBy: z.array(z.string()).openapi({ description: "Cards that block this one" }),
    blocks: z.array(z.string()).openapi({ description: "Cards this one blocks" }),
    createdBy: z.string(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("Card");
export type Card = z.infer<typeof cardSchema>;

export const listSchema = z
  .object({
    id: z.string(),
    boardId: z.string(),
    name: z.string(),
    pos: z.string().openapi({ example: "a0" }),
    done: z.boolean(),
    archived: z.boolean(),
  })
  .openapi("List");
export type List = z.infer<typeof listSchema>;

export const memberSchema = z.object({ userId: z.string(), role: z.enum(ROLES), addedAt: iso }).openapi("Member");
export type Member = z.infer<typeof memberSchema>;

export const boardSummarySchema = z
  .object({ id: z.string(), name: z.string(), isTemplate: z.boolean(), role: z.enum(ROLES), createdAt: iso })
  .openapi("BoardSummary");
export type BoardSummary = z.infer<typeof boardSummarySchema>;

export const boardSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isTemplate: z.boolean(),
    role: z.enum(ROLES).openapi({ description: "The caller's role" }),
    seq: z.number().int().openapi({ description: "The last event number: open the WebSocket with `since=seq` to miss nothing" }),
    members: z.array(memberSchema),
    lists: z.array(listSchema.extend({ cards: z.array(cardSchema) }).openapi("ListWithCards")),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("Board");
export type Board = z.infer<typeof boardSchema>;

export const activitySchema = z
  .object({
    seq: z.number().int(),
    type: z.string().openapi({ example: "card.moved" }),
    actorId: z.string(),
    at: iso,
    listId: z.string().nullable(),
    cardId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).openapi({ description: "What changed (e.g. `fromListId`, `toListId`, `fields`)" }),
  })
  .openapi("Activity");
export type Activity = z.infer<typeof activitySchema>;
export const activityPageSchema = z
  .object({
    items: z.array(activitySchema),
    nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for older entries" }),
  })
  .openapi("ActivityPage");

export const cardListSchema = z.object({ items: z.array(cardSchema) }).openapi("CardList");
export const ticketSchema = z
  .object({ ticket: z.string().openapi({ description: "Single-use, for `GET …/ws?ticket=`" }), expiresAt: iso })
  .openapi("Ticket");
export const feedSchema = z
  .object({ url: z.string().openapi({ example: "/boards/v1/calendar/3q2…Xw.ics" }), createdAt: iso })
  .openapi("CalendarFeed");
export type ActivityPage = { items: Activity[]; nextBefore: number | null };
