import { idParam, paginationQuery, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

// Field rules come from packages/http's builders: lengths count code points, and what the OpenAPI
// document says (minLength, maxLength, pattern) is exactly what is accepted.
const name = textField({ min: 1, max: 200, trim: true }).openapi({ description: "1..200 characters, trimmed", example: "First item" });
const note = textField({ min: 0, max: 10_000, trim: true })
  .transform((s) => (s === "" ? null : s))
  .nullable()
  .openapi({ description: "Up to 10,000 characters; empty or null clears it", example: "Anything worth keeping" });

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const itemSchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    name: z.string(),
    note: z.string().nullable(),
    createdAt: isoOut,
    updatedAt: isoOut,
  })
  .openapi("Item");
export type Item = z.infer<typeof itemSchema>;

export const createItemBody = z.strictObject({ name, note: note.optional() }).openapi("CreateItem");
export type CreateItemInput = z.output<typeof createItemBody>;

export const updateItemBody = z
  .strictObject({ name: name.optional(), note: note.optional() })
  .openapi("UpdateItem", { description: "A partial update: only the given fields change; `{}` changes nothing" });
export type UpdateItemInput = z.output<typeof updateItemBody>;

export const itemIdParams = z.object({ id: idParam("Item id") });

export const listItemsQuery = z.object({ ...paginationQuery });
export type ListItemsQuery = z.output<typeof listItemsQuery>;
