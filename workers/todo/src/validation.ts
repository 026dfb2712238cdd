import { dedupeAsciiCaseless, idempotencyKeyHeaders, idParam, paginationQuery, queryBoolean } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { dateTime, optionalText, requiredText, tagName } from "./fields";

/** Priorities in rank order; the rank is what is stored and sorted. */
export const PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = "medium";

export const MAX_TAGS = 20;
export const SORTS = ["createdAt", "dueAt", "priority", "position"] as const;
export type Sort = (typeof SORTS)[number];
export type Order = "asc" | "desc";

const priority = z.enum(PRIORITIES).openapi({ description: "Defaults to `medium`", example: "high" });
const title = requiredText(500).openapi({ description: "1..500 characters, trimmed", example: "Buy milk" });
const description = optionalText(10_000)
  .nullable()
  .openapi({ description: "Up to 10,000 characters; empty or null clears it", example: "Two litres, semi-skimmed" });
const dueAt = dateTime()
  .nullable()
  .openapi({ description: "ISO-8601 date-time with a zone; null clears it", example: "2026-05-01T17:00:00Z" });
const tags = z
  .array(tagName())
  .max(MAX_TAGS, `At most ${MAX_TAGS} tags`)
  .transform(dedupeAsciiCaseless)
  .openapi({ description: `Up to ${MAX_TAGS} tags; duplicates (ignoring ASCII case) are dropped`, example: ["home", "errands"] });
const position = z
  .number()
  .min(-1e15, "Must be at least -1e15")
  .max(1e15, "Must be at most 1e15")
  .openapi({ description: "Manual ordering key (any number; place an item between two others with their mean)", example: 3 });
const completed = z.boolean().openapi({ description: "Setting true keeps an existing completedAt" });

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const todoSchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    completedAt: isoOut.nullable(),
    dueAt: isoOut.nullable(),
    priority: z.enum(PRIORITIES),
    tags: z.array(z.string()),
    position: z.number(),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Todo");
export type Todo = z.infer<typeof todoSchema>;

const createShape = {
  title,
  description: description.optional(),
  dueAt: dueAt.optional(),
  priority: priority.optional(),
  tags: tags.optional(),
  position: position.optional().openapi({ description: "Defaults to after the user's last todo" }),
};

export const createTodoBody = z.strictObject(createShape).openapi("CreateTodo");
export type CreateTodoInput = z.output<typeof createTodoBody>;

// its own object, not `.extend()`: an OpenAPI allOf of two closed objects would accept nothing
export const replaceTodoBody = z
  .strictObject({ ...createShape, completed: completed.optional() })
  .openapi("ReplaceTodo", { description: "A full replacement: omitted fields are reset to their defaults" });
export type ReplaceTodoInput = z.output<typeof replaceTodoBody>;

export const updateTodoBody = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    dueAt: dueAt.optional(),
    priority: priority.optional(),
    tags: tags.optional(),
    position: position.optional(),
    completed: completed.optional(),
  })
  .openapi("UpdateTodo", { description: "A partial update: only the given fields change; `{}` changes nothing" });
export type UpdateTodoInput = z.output<typeof updateTodoBody>;

export const todoIdParams = z.object({ id: idParam("Todo id") });

export const createHeaders = idempotencyKeyHeaders({
  description: "Makes a retried create return the first result for 24 hours",
  example: "3f1c2a7e-create-1",
});

export const listTodosQuery = z.object({
  ...paginationQuery,
  status: z.enum(["all", "active", "completed"]).default("all").openapi({ description: "Default `all`" }),
  tag: tagName().optional().openapi({ description: "Only todos with this tag (ASCII case ignored)" }),
  priority: z.enum(PRIORITIES).optional(),
  q: requiredText(200)
    .optional()
    .openapi({ description: "Text search in title and description, ignoring ASCII case; `%` and `_` match literally" }),
  dueBefore: dateTime().optional().openapi({ description: "Only todos due before this instant (exclusive)" }),
  dueAfter: dateTime().optional().openapi({ description: "Only todos due at or after this instant" }),
  overdue: queryBoolean().optional().openapi({ description: "`true`: only open todos past their due time; `false`: only the others" }),
  sort: z.enum(SORTS).default("createdAt").openapi({ description: "Default `createdAt`; dueAt puts todos without a due time last" }),
  order: z
    .enum(["asc", "desc"])
    .optional()
    .openapi({ description: "Default: desc for createdAt and priority, asc for dueAt and position" }),
});
export type ListTodosQuery = z.output<typeof listTodosQuery>;

export const clearQuery = z.object({
  status: z.enum(["completed"]).openapi({ description: "Must be `completed`: only completed todos are deleted" }),
});

export const tagParams = z.object({
  name: tagName().openapi({ param: { name: "name", in: "path" }, description: "The tag, URL-encoded" }),
});
export const renameTagBody = z.strictObject({ name: tagName() }).openapi("RenameTag");
export const tagSchema = z.object({ name: z.string(), count: z.number().int() }).openapi("Tag");
export const tagListSchema = z.object({ items: z.array(tagSchema) }).openapi("TagList");
export const updatedSchema = z.object({ updated: z.number().int().openapi({ description: "How many todos changed" }) }).openapi("Updated");
export const deletedSchema = z
  .object({ deleted: z.number().int().openapi({ description: "How many todos were deleted" }) })
  .openapi("Deleted");
