import { idParam, isoDateTime, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

export const ROLES = ["admin", "member", "observer"] as const;
export type Role = (typeof ROLES)[number];
export const MAX_LABELS = 20;
export const MAX_ASSIGNEES = 20;

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export const userId = () => z.string().regex(USER_ID, "Must be a user id of 1-64 URL-safe characters").openapi({ example: "user_alice" });
const refId = (what: string) => z.string().regex(ID, "Must be an id of 1-64 URL-safe characters").openapi({ description: what });

export const boardName = textField({ min: 1, max: 200, trim: true }).openapi({ example: "Launch plan" });
export const listName = textField({ min: 1, max: 200, trim: true }).openapi({ example: "Doing" });
export const cardTitle = textField({ min: 1, max: 500, trim: true }).openapi({ example: "Write the release notes" });
const description = textField({ min: 0, max: 10_000 })
  .nullable()
  .openapi({ description: "Up to 10,000 characters; null clears it", example: "See the checklist." });
const label = textField({ min: 1, max: 50, trim: true }).openapi({ example: "urgent" });
const dueAt = isoDateTime()
  .nullable()
  .openapi({ format: "date-time", description: "ISO-8601 date-time with a zone; null clears it", example: "2026-12-01T17:00:00Z" });

const dedupe = <T>(xs: T[]): T[] => [...new Set(xs)];
const labels = z
  .array(label)
  .max(MAX_LABELS, `At most ${MAX_LABELS} labels`)
  .transform(dedupe)
  .openapi({ description: `Up to ${MAX_LABELS} labels; duplicates are dropped` });
const assignees = z
  .array(userId())
  .max(MAX_ASSIGNEES, `At most ${MAX_ASSIGNEES} assignees`)
  .transform(dedupe)
  .openapi({ description: "User ids of board members (admins or members)" });

/** `top`, `bottom`, or between neighbours named by id (see the README for the rules). */
export const placement = z
  .union([
    z.enum(["top", "bottom"]),
    z
      .strictObject({ after: refId("Id of the item to follow").optional(), before: refId("Id of the item to precede").optional() })
      .refine((p) => p.after !== undefined || p.before !== undefined, "Give `after`, `before` or both"),
  ])
  .openapi("Position", {
    description:
      "`top`, `bottom` (the default), or `{after, before}` with the ids of the intended neighbours (either alone is enough). " +
      "With both, they must be adjacent right now, else 409; an id that is not in the target list is 409 too.",
    example: { after: "abc" },
  });

export const createBoardBody = z
  .strictObject({
    name: boardName,
    templateId: refId("Create the board as a copy of this template (you must be a member of it)").optional(),
  })
  .openapi("CreateBoard");
export const updateBoardBody = z.strictObject({ name: boardName.optional() }).openapi("UpdateBoard");
export const saveTemplateBody = z
  .strictObject({ name: boardName.optional().openapi({ description: "Defaults to the board's name" }) })
  .openapi("SaveTemplate");

export const addMemberBody = z
  .strictObject({
    email: z.email("Must be an email address").max(254).optional().openapi({ example: "bob@example.com" }),
    userId: userId().optional(),
    role: z.enum(ROLES).default("member").openapi({ description: "Default `member`" }),
  })
  .refine((b) => (b.email === undefined) !== (b.userId === undefined), {
    message: "Give exactly one of `email` or `userId`",
    path: ["email"],
  })
  .openapi("AddMember");
export const updateMemberBody = z.strictObject({ role: z.enum(ROLES) }).openapi("UpdateMember");

export const createListBody = z
  .strictObject({
    name: listName,
    pos: placement.optional(),
    done: z.boolean().optional().openapi({ description: "A done list: blocked cards cannot enter it" }),
  })
  .openapi("CreateList");
export const updateListBody = z
  .strictObject({ name: listName.optional(), done: z.boolean().optional(), archived: z.boolean().optional() })
  .openapi("UpdateList");
export const moveListBody = z.strictObject({ pos: placement }).openapi("MoveList");

const cardFields = {
  title: cardTitle,
  description: description.optional(),
  dueAt: dueAt.optional(),
  labels: labels.optional(),
  assignees: assignees.optional(),
};
export const createCardBody = z.strictObject({ ...cardFields, pos: placement.optional() }).openapi("CreateCard");
export type CreateCardInput = z.output<typeof createCardBody>;
export const updateCardBody = z
  .strictObject({ ...cardFields, title: cardTitle.optional(), archived: z.boolean().optional() })
  .openapi("UpdateCard", { description: "Only the given fields change" });
export type UpdateCardInput = z.output<typeof updateCardBody>;
export const moveCardBody = z
  .strictObject({ listId: refId("The target list (may be the same list)"), pos: placement.optional() })
  .openapi("MoveCard");
export type MoveCardInput = z.output<typeof moveCardBody>;

export const createChecklistBody = z
  .strictObject({
    title: textField({ min: 1, max: 200, trim: true }),
    items: z
      .array(textField({ min: 1, max: 500, trim: true }))
      .max(100)
      .optional(),
  })
  .openapi("CreateChecklist");
export const addItemBody = z.strictObject({ text: textField({ min: 1, max: 500, trim: true }) }).openapi("AddChecklistItem");
export const updateItemBody = z
  .strictObject({ text: textField({ min: 1, max: 500, trim: true }).optional(), done: z.boolean().optional() })
  .openapi("UpdateChecklistItem");
export const commentBody = z.strictObject({ text: textField({ min: 1, max: 5000, trim: true }) }).openapi("CreateComment");
export const dependencyBody = z
  .strictObject({
    blockedBy: refId("The card that blocks this one (same board)").optional(),
    blocks: refId("The card this one blocks (same board)").optional(),
  })
  .refine((b) => (b.blockedBy === undefined) !== (b.blocks === undefined), {
    message: "Give exactly one of `blockedBy` or `blocks`",
    path: ["blockedBy"],
  })
  .openapi("AddDependency");
export type DependencyInput = z.output<typeof dependencyBody>;

export const DUE_FILTERS = ["overdue", "day", "week", "month", "none", "any"] as const;
const queryBool = z.enum(["true", "false"]).transform((v) => v === "true");
export const searchQuery = z.object({
  q: textField({ min: 1, max: 200 }).optional().openapi({ description: "Text in title or description (case-insensitive)" }),
  label: label.optional().openapi({ description: "Cards with this label" }),
  assignee: userId().optional().openapi({ description: "Cards assigned to this user" }),
  dueBefore: isoDateTime().optional().openapi({ format: "date-time", description: "Due before this instant" }),
  dueAfter: isoDateTime().optional().openapi({ format: "date-time", description: "Due at or after this instant" }),
  hasDue: queryBool.optional().openapi({ description: "`true`: only cards with a due date; `false`: only without" }),
  due: z.enum(DUE_FILTERS).optional().openapi({
    description:
      "`overdue`: due before now and not in a done list; `day`/`week`/`month`: due from now within 1/7/30 days; `none`: no due date; `any`: has one",
  }),
  listId: refId("Only cards in this list").optional(),
  archived: queryBool.default(false).openapi({ description: "Search archived cards instead (default false)" }),
});
export type SearchQuery = z.output<typeof searchQuery>;

export const MAX_CALENDAR_DAYS = 366;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = 86_400_000;

/**
 * A calendar bound: an ISO date-time with a zone, or a date (`YYYY-MM-DD`, UTC). A date as `from` is
 * the start of that day; as `to` it is the end of that day, so `from=2026-12-01&to=2026-12-31` is all
 * of December.
 */
const calendarBound = (edge: "from" | "to") =>
  z
    .string()
    .max(40)
    .refine(
      (v) =>
        (DATE_ONLY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)) ||
        (DATE_TIME.test(v) && !Number.isNaN(Date.parse(v))),
      "Must be an ISO-8601 date (2026-12-01) or date-time with a zone (2026-12-01T00:00:00Z)",
    )
    .transform((v) => (DATE_ONLY.test(v) ? Date.parse(`${v}T00:00:00Z`) + (edge === "to" ? DAY : 0) : Date.parse(v)));

export const calendarQuery = z
  .object({
    from: calendarBound("from").openapi({ description: "Inclusive; a date means the start of that day (UTC)", example: "2026-12-01" }),
    to: calendarBound("to").openapi({ description: "Exclusive; a date means the end of that day (UTC)", example: "2026-12-31" }),
  })
  .refine((q) => q.to > q.from, { message: "`to` must be after `from`", path: ["to"] })
  .refine((q) => q.to - q.from <= MAX_CALENDAR_DAYS * DAY, { message: `At most ${MAX_CALENDAR_DAYS} days`, path: ["to"] });

export const activityQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "1..100, default 50" }),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: "Only entries with a smaller `seq` (the next page)" }),
});

export const boardIdParams = z.object({ id: idParam("Board id") });
export const listIdParams = z.object({ listId: idParam("List id").openapi({ param: { name: "listId", in: "path" } }) });
export const cardIdParams = z.object({ id: idParam("Card id") });
const sub = (name: string) => idParam().openapi({ param: { name, in: "path" } });
export const memberParams = z.object({ id: idParam("Board id"), userId: userId().openapi({ param: { name: "userId", in: "path" } }) });
export const checklistParams = z.object({ id: idParam("Card id"), checklistId: sub("checklistId") });
export const itemParams = z.object({ id: idParam("Card id"), checklistId: sub("checklistId"), itemId: sub("itemId") });
export const attachmentParams = z.object({ id: idParam("Card id"), attachmentId: sub("attachmentId") });
export const commentParams = z.object({ id: idParam("Card id"), commentId: sub("commentId") });
export const dependencyParams = z.object({ id: idParam("Card id"), blockerId: sub("blockerId") });
