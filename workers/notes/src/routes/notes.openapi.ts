import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { createNoteBody, ifMatchHeaders, listNotesQuery, noteIdParams, notePageSchema, noteSchema, updateNoteBody } from "../validation";

const base = { tags: ["Notes"], security: [{ bearerAuth: [] }] };
const etagHeader = { ETag: z.string().openapi({ description: "The note's version, quoted; send it back as `If-Match`", example: '"3"' }) };
const noteWithEtag = (description: string) => ({ ...jsonResponse(noteSchema, description), headers: z.object(etagHeader) });

export const listNotesRoute = createRoute({
  operationId: "listNotes",
  ...base,
  method: "get",
  path: "/notes",
  summary: "List notes",
  description:
    "Pinned first, then most recently updated; cursor-paginated. Without `notebookId`: your own notes. With it: the notes of " +
    "that notebook (yours or shared with you), plus its sub-notebooks' with `includeSubNotebooks=true`. Archived notes only with `archived=true`.",
  request: { query: listNotesQuery },
  responses: { 200: jsonResponse(notePageSchema, "A page of notes (content cut to an excerpt)"), ...errors(401, 403, 404, 422) },
});

export const createNoteRoute = createRoute({
  operationId: "createNote",
  ...base,
  method: "post",
  path: "/notes",
  summary: "Create a note",
  description: "In a notebook you own or edit (as a sharee). Records revision 1.",
  request: { body: jsonBody(createNoteBody) },
  responses: {
    201: {
      ...noteWithEtag("The created note"),
      headers: z.object({ ...etagHeader, Location: z.string().openapi({ example: "/notes/v1/notes/V1StGXR8_Z5jdHi6B-myT" }) }),
    },
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});

export const getNoteRoute = createRoute({
  operationId: "getNote",
  ...base,
  method: "get",
  path: "/notes/{id}",
  summary: "Get a note",
  description: "Sends an `ETag` (the version); `If-None-Match` with it answers 304. Trashed notes are 404 here (see /trash).",
  request: { params: noteIdParams },
  responses: { 200: noteWithEtag("The note"), 304: { description: "Not modified" }, ...errors(401, 403, 404, 422) },
});

export const updateNoteRoute = createRoute({
  operationId: "updateNote",
  ...base,
  method: "patch",
  path: "/notes/{id}",
  summary: "Update a note",
  description:
    "Owner or editor (viewers get 403). `archived` and `notebookId` are the owner's. With `If-Match`, a stale ETag is 412 and " +
    "nothing changes; without it the last write wins. A title or content change records a revision.",
  request: { params: noteIdParams, headers: ifMatchHeaders, body: jsonBody(updateNoteBody) },
  responses: { 200: noteWithEtag("The updated note"), ...errors(400, 401, 403, 404, 412, 413, 415, 422, 429) },
});

export const deleteNoteRoute = createRoute({
  operationId: "trashNote",
  ...base,
  method: "delete",
  path: "/notes/{id}",
  summary: "Move a note to the trash",
  description: "Owner only. It stays restorable for 30 days. `If-Match` is honoured (412 when stale).",
  request: { params: noteIdParams, headers: ifMatchHeaders },
  responses: { 204: { description: "In the trash" }, ...errors(401, 403, 404, 412, 422, 429) },
});

export const restoreNoteRoute = createRoute({
  operationId: "restoreNote",
  ...base,
  method: "post",
  path: "/notes/{id}/restore",
  summary: "Restore a note from the trash",
  description: "Owner only; revives its notebooks if they were deleted with it. A note not in the trash is returned unchanged.",
  request: { params: noteIdParams },
  responses: { 200: noteWithEtag("The restored note"), ...errors(401, 403, 404, 422, 429) },
});

export const noteHtmlRoute = createRoute({
  operationId: "renderNoteHtml",
  ...base,
  method: "get",
  path: "/notes/{id}/html",
  summary: "The note rendered as sanitised HTML",
  description: "An HTML fragment from the Markdown: raw HTML is escaped, no scripts or event handlers, links only http(s)/mailto.",
  request: { params: noteIdParams },
  responses: { 200: { description: "HTML fragment", content: { "text/html": { schema: z.string() } } }, ...errors(401, 403, 404, 422) },
});

export const exportNoteRoute = createRoute({
  operationId: "exportNote",
  ...base,
  method: "get",
  path: "/notes/{id}/export",
  summary: "Export a note as Markdown or PDF",
  description:
    "`format=markdown` (default): the Markdown with YAML front matter (title, tags, dates). `format=pdf`: an A4 PDF; characters " +
    "its standard fonts cannot show become their base letter or `?`.",
  request: { params: noteIdParams, query: z.object({ format: z.enum(["markdown", "pdf"]).default("markdown") }) },
  responses: {
    200: {
      description: "The file, as an attachment",
      content: {
        "text/markdown": { schema: z.string() },
        "application/pdf": { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    ...errors(401, 403, 404, 422),
  },
});

export const importNoteRoute = createRoute({
  operationId: "importNote",
  ...base,
  method: "post",
  path: "/notes/import",
  summary: "Import a Markdown file as a note",
  description:
    "Multipart form with `file` (UTF-8 Markdown or text, at most 1 MiB of content) and `notebookId`. Title and tags come from YAML " +
    "front matter when present (as exported), else the first `# heading`, else the file name.",
  request: {
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z
            .object({
              file: z.instanceof(File, { message: "Must be a file" }).openapi({ type: "string", format: "binary" }),
              notebookId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be an id of 1-64 URL-safe characters"),
            })
            .openapi("NoteImport"),
        },
      },
    },
  },
  responses: {
    201: {
      ...noteWithEtag("The imported note"),
      headers: z.object({ ...etagHeader, Location: z.string() }),
    },
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});
