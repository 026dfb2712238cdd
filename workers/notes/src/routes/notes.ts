import { contentDisposition, createRouter } from "@edgeworks/http";
import { exportNoteMarkdown, exportNotePdf } from "../export/export.service";
import { importMarkdown } from "../export/import.service";
import { listNotes } from "../list-notes.service";
import { etagOf } from "../note-row";
import { createNote, getNote, restoreNote, trashNote, updateNote } from "../notes.service";
import { depsOf, type NotesEnv } from "../product";
import { HTML_HEADERS, renderMarkdown } from "../render/markdown";
import {
  createNoteRoute,
  deleteNoteRoute,
  exportNoteRoute,
  getNoteRoute,
  importNoteRoute,
  listNotesRoute,
  noteHtmlRoute,
  restoreNoteRoute,
  updateNoteRoute,
} from "./notes.openapi";

/** /notes: notes CRUD, trash/restore, rendering, export and import. */
export const notesRouter = createRouter<NotesEnv>()
  .openapi(listNotesRoute, async (c) => c.json(await listNotes(depsOf(c), c.req.valid("query")), 200))
  .openapi(createNoteRoute, async (c) => {
    const note = await createNote(depsOf(c), c.req.valid("json"));
    c.header("Location", `/notes/v1/notes/${note.id}`);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 201);
  })
  .openapi(importNoteRoute, async (c) => {
    const form = c.req.valid("form");
    const note = await importMarkdown(depsOf(c), form.notebookId, form.file);
    c.header("Location", `/notes/v1/notes/${note.id}`);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 201);
  })
  .openapi(getNoteRoute, async (c) => {
    const note = await getNote(depsOf(c), c.req.valid("param").id);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 200);
  })
  .openapi(updateNoteRoute, async (c) => {
    const note = await updateNote(depsOf(c), c.req.valid("param").id, c.req.valid("json"), c.req.valid("header")["if-match"]);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 200);
  })
  .openapi(deleteNoteRoute, async (c) => {
    await trashNote(depsOf(c), c.req.valid("param").id, c.req.valid("header")["if-match"]);
    return c.body(null, 204);
  })
  .openapi(restoreNoteRoute, async (c) => {
    const note = await restoreNote(depsOf(c), c.req.valid("param").id);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 200);
  })
  .openapi(noteHtmlRoute, async (c) => {
    const note = await getNote(depsOf(c), c.req.valid("param").id);
    return c.body(await renderMarkdown(note.content), 200, HTML_HEADERS);
  })
  .openapi(exportNoteRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (c.req.valid("query").format === "pdf") {
      const pdf = await exportNotePdf(depsOf(c), id);
      return c.body(pdf.body as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": contentDisposition(pdf.filename, "attachment"),
      });
    }
    const md = await exportNoteMarkdown(depsOf(c), id);
    return c.body(md.body, 200, {
      "Content-Type": "text/markdown; charset=utf-8",
      "Content-Disposition": contentDisposition(md.filename, "attachment"),
      "X-Content-Type-Options": "nosniff",
    });
  });
