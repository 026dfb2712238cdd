import { idParam, paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { isoOut } from "./fields";
import { ITEM_TYPES, ROLES } from "./schema";

export const shareBody = z
  .strictObject({
    email: z.email("Must be an email address").max(254, "Must be at most 254 characters").openapi({ example: "bob@example.com" }),
    role: z.enum(ROLES).openapi({ description: "`viewer` reads; `editor` also edits notes (and creates them in a shared notebook)" }),
  })
  .openapi("ShareRequest");
export type ShareInput = z.output<typeof shareBody>;

const person = {
  userId: z.string(),
  email: z.string().nullable().openapi({ description: "Null when the directory could not be asked" }),
  name: z.string().nullable(),
};
export const shareSchema = z.object({ ...person, role: z.enum(ROLES), createdAt: isoOut() }).openapi("Share");
export type Share = z.infer<typeof shareSchema>;
export const shareListSchema = z.object({ items: z.array(shareSchema) }).openapi("ShareList");

export const shareParams = z.object({
  id: idParam("Note or notebook id"),
  userId: idParam("The sharee's user id").openapi({ param: { name: "userId", in: "path" } }),
});

export const sharedItemSchema = z
  .object({
    type: z.enum(ITEM_TYPES),
    id: z.string(),
    title: z.string().openapi({ description: "The note's title or the notebook's name" }),
    role: z.enum(ROLES),
    owner: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }),
    sharedAt: isoOut(),
  })
  .openapi("SharedItem");
export type SharedItem = z.infer<typeof sharedItemSchema>;
export const sharedPageSchema = z.object({ items: z.array(sharedItemSchema), nextCursor: z.string().nullable() }).openapi("SharedPage");
export const sharedQuery = z.object({ ...paginationQuery });

export const publicLinkSchema = z
  .object({
    token: z.string().openapi({ description: "Shown once; only its hash is stored" }),
    url: z.string().openapi({ example: "https://edge.example/notes/v1/public/3q2-7wEjLmv…" }),
    htmlUrl: z.string(),
    createdAt: isoOut(),
  })
  .openapi("PublicLink");
export type PublicLink = z.infer<typeof publicLinkSchema>;

export const publicNoteSchema = z
  .object({ id: z.string(), title: z.string(), content: z.string(), tags: z.array(z.string()), createdAt: isoOut(), updatedAt: isoOut() })
  .openapi("PublicNote");
export type PublicNote = z.infer<typeof publicNoteSchema>;
export const publicTokenParams = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "Must be a public link token")
    .openapi({ param: { name: "token", in: "path" }, description: "The public link's token" }),
});
