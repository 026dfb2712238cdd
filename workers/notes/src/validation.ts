import { idParam, paginationQuery, queryBoolean, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { content, isoOut, notebookName, repeatedTagQuery, tagList, title } from "./fields";

/** What the caller may do with an item: its owner, or a sharee with a role. */
export const ACCESS = ["owner", "editor", "viewer"] as const;
export type Access = (typeof ACCESS)[number];

const id = (example = "V1StGXR8_Z5jdHi6B-myT") => z.string().openapi({ example });
const access = z.enum(ACCESS).openapi({ description: "What the caller may do: `owner`, or a sharee's `editor`/`viewer`" });
const nullableId = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters")
    .nullable()
    .openapi({ description, example: "V1StGXR8_Z5jdHi6B-myT" });
const requiredId = (description: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters")
    .openapi({ description, example: "V1StGXR8_Z5jdHi6B-myT" });

// ---- notebooks
export const notebookSchema = z
  .object({
    id: id(),
    name: z.string(),
    parentId: z.string().nullable(),
    createdAt: isoOut(),
    updatedAt: isoOut(),
    access,
  })
  .openapi("Notebook");
export type Notebook = z.infer<typeof notebookSchema>;

export const createNotebookBody = z
  .strictObject({
    name: notebookName(),
    parentId: nullableId("The parent notebook (one of yours); omitted or null: top level").optional(),
  })
  .openapi("CreateNotebook");
export type CreateNotebookInput = z.output<typeof createNotebookBody>;

export const updateNotebookBody = z
  .strictObject({
    name: notebookName().optional(),
    parentId: nullableId("Move under this notebook (its subtree moves along); null: to the top level").optional(),
  })
  .openapi("UpdateNotebook", { description: "Rename and/or move; `{}` changes nothing" });
export type UpdateNotebookInput = z.output<typeof updateNotebookBody>;

export const notebookIdParams = z.object({ id: idParam("Notebook id") });
export const listNotebooksQuery = z.object({
  ...paginationQuery,
  parentId: requiredId("The sub-notebooks of this notebook (yours or shared with you); default: all your own notebooks").optional(),
});

// ---- notes
const noteBase = {
  id: id(),
  notebookId: id(),
  title: z.string(),
  tags: z.array(z.string()),
  pinned: z.boolean(),
  archived: z.boolean(),
  version: z.number().int().openapi({ description: "Bumped by every change; the ETag is its quoted value", example: 3 }),
  createdAt: isoOut(),
  updatedAt: isoOut(),
};

export const noteSchema = z.object({ ...noteBase, content: z.string().openapi({ description: "Markdown" }), access }).openapi("Note");
export type Note = z.infer<typeof noteSchema>;

const excerpt = z.string().openapi({ description: "The first 200 characters of the content" });
export const noteSummarySchema = z.object({ ...noteBase, excerpt, access }).openapi("NoteSummary");
export type NoteSummary = z.infer<typeof noteSummarySchema>;

export const createNoteBody = z
  .strictObject({
    notebookId: requiredId("A notebook you own, or one shared with you as editor"),
    title: title(),
    content: content(),
    tags: tagList().optional(),
    pinned: z.boolean().optional().openapi({ description: "Default false" }),
  })
  .openapi("CreateNote");
export type CreateNoteInput = z.output<typeof createNoteBody>;

export const updateNoteBody = z
  .strictObject({
    title: title().optional(),
    content: content().optional(),
    tags: tagList().optional(),
    pinned: z.boolean().optional(),
    archived: z
      .boolean()
      .optional()
      .openapi({ description: "Owner only. Archived notes are hidden from lists (`archived=true` lists them)" }),
    notebookId: requiredId("Owner only: move the note to another of your notebooks").optional(),
  })
  .openapi("UpdateNote", { description: "A partial update; `{}` changes nothing. A title or content change records a revision." });
export type UpdateNoteInput = z.output<typeof updateNoteBody>;

export const noteIdParams = z.object({ id: idParam("Note id") });

export const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: "The note's `ETag`; a stale one is 412 (nothing changes). Without it, the last write wins.", example: '"3"' }),
});

export const listNotesQuery = z.object({
  ...paginationQuery,
  notebookId: requiredId("Only notes of this notebook (yours or shared with you)").optional(),
  includeSubNotebooks: queryBoolean()
    .optional()
    .openapi({ description: "With `notebookId`: also the notes of its sub-notebooks (default false)" }),
  tag: repeatedTagQuery().optional(),
  archived: queryBoolean().optional().openapi({ description: "`true`: only archived notes; default (`false`): only notes not archived" }),
});
export type ListNotesQuery = z.output<typeof listNotesQuery>;

export const notePageSchema = z
  .object({
    items: z.array(noteSummarySchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last" }),
  })
  .openapi("NotePage");

// ---- search
export const searchQuery = z.object({
  q: textField({ min: 1, max: 200 }).openapi({
    description:
      'Words (all must match), `prefix*` and `"quoted phrases"`; matched in title, content and tags, ranked by bm25 (title weighs most). Other punctuation is ignored.',
    example: 'budg* "launch plan"',
  }),
  tag: repeatedTagQuery().optional(),
  notebookId: requiredId("Only notes of this notebook and its sub-notebooks").optional(),
  includeArchived: queryBoolean()
    .optional()
    .openapi({ description: "`true`: also search archived notes (never trashed ones); default false" }),
  ...paginationQuery,
});
export type SearchQuery = z.output<typeof searchQuery>;

export const searchHitSchema = z
  .object({
    ...noteBase,
    excerpt,
    access,
    titleHighlight: z.string().openapi({ description: "The title, HTML-escaped, with matches wrapped in `<mark>`" }),
    snippet: z.string().openapi({ description: "A fragment of the content, HTML-escaped, with matches wrapped in `<mark>`" }),
    rank: z.number().openapi({ description: "bm25 rank; lower is better" }),
  })
  .openapi("SearchHit");
export type SearchHit = z.infer<typeof searchHitSchema>;
export const searchPageSchema = z.object({ items: z.array(searchHitSchema), nextCursor: z.string().nullable() }).openapi("SearchPage");

// ---- trash
export const trashedNoteSchema = z
  .object({
    ...noteBase,
    excerpt,
    deletedAt: isoOut(),
    purgeAt: isoOut().openapi({ description: "When the daily cleanup deletes it for good (30 days after deletedAt)" }),
  })
  .openapi("TrashedNote");
export type TrashedNote = z.infer<typeof trashedNoteSchema>;
export const trashPageSchema = z.object({ items: z.array(trashedNoteSchema), nextCursor: z.string().nullable() }).openapi("TrashPage");
export const trashQuery = z.object({ ...paginationQuery });
export const deletedCountSchema = z.object({ deleted: z.number().int() }).openapi("DeletedCount");

// ---- revisions
export const revisionSchema = z
  .object({
    id: id(),
    noteId: id(),
    version: z.number().int().openapi({ description: "The note's version this revision recorded" }),
    title: z.string(),
    authorId: z.string().openapi({ description: "Who made the change (the owner or an editor)" }),
    size: z.number().int().openapi({ description: "Content size in UTF-8 bytes" }),
    createdAt: isoOut(),
  })
  .openapi("Revision");
export type Revision = z.infer<typeof revisionSchema>;
export const revisionDetailSchema = revisionSchema.extend({ content: z.string() }).openapi("RevisionDetail");
export type RevisionDetail = z.infer<typeof revisionDetailSchema>;
export const revisionPageSchema = z.object({ items: z.array(revisionSchema), nextCursor: z.string().nullable() }).openapi("RevisionPage");
export const revisionParams = z.object({
  id: idParam("Note id"),
  revisionId: idParam("Revision id").openapi({ param: { name: "revisionId", in: "path" } }),
});
export const revisionsQuery = z.object({ ...paginationQuery });
