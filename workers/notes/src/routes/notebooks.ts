import { contentDisposition, createRouter, errors, jsonBody, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { exportNotebookZip } from "../export/export.service";
import { createNotebook, deleteNotebook, getNotebook, listNotebooks, updateNotebook } from "../notebooks.service";
import { depsOf, type NotesEnv } from "../product";
import { createNotebookBody, listNotebooksQuery, notebookIdParams, notebookSchema, updateNotebookBody } from "../validation";

const base = { tags: ["Notebooks"], security: [{ bearerAuth: [] }] };

const listNotebooksRoute = createRoute({
  operationId: "listNotebooks",
  ...base,
  method: "get",
  path: "/notebooks",
  summary: "List notebooks",
  description:
    "Your own live notebooks, oldest first, each with its `parentId` (build the tree from them); with `parentId`, the " +
    "sub-notebooks of a notebook you own or that is shared with you. Cursor-paginated.",
  request: { query: listNotebooksQuery },
  responses: {
    200: jsonResponse(pageSchema(notebookSchema).openapi("NotebookPage"), "A page of notebooks"),
    ...errors(401, 403, 404, 422),
  },
});

const createNotebookRoute = createRoute({
  operationId: "createNotebook",
  ...base,
  method: "post",
  path: "/notebooks",
  summary: "Create a notebook",
  description: "At the top level or under one of your notebooks; 409 beyond 10 levels of nesting.",
  request: { body: jsonBody(createNotebookBody) },
  responses: {
    201: { ...jsonResponse(notebookSchema, "The created notebook"), headers: z.object({ Location: z.string() }) },
    ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429),
  },
});

const getNotebookRoute = createRoute({
  operationId: "getNotebook",
  ...base,
  method: "get",
  path: "/notebooks/{id}",
  summary: "Get a notebook",
  request: { params: notebookIdParams },
  responses: { 200: jsonResponse(notebookSchema, "The notebook"), ...errors(401, 403, 404, 422) },
});

const updateNotebookRoute = createRoute({
  operationId: "updateNotebook",
  ...base,
  method: "patch",
  path: "/notebooks/{id}",
  summary: "Rename or move a notebook",
  description:
    "Renaming: owner or editor. Moving (`parentId`, null for the top level): owner only, under another of your notebooks; the " +
    "subtree moves along. 409 for a move into its own subtree (a cycle) or beyond 10 levels.",
  request: { params: notebookIdParams, body: jsonBody(updateNotebookBody) },
  responses: { 200: jsonResponse(notebookSchema, "The notebook"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

const deleteNotebookRoute = createRoute({
  operationId: "deleteNotebook",
  ...base,
  method: "delete",
  path: "/notebooks/{id}",
  summary: "Delete a notebook and its subtree",
  description: "Owner only. Its notes (and its sub-notebooks' notes) go to the trash; restoring one revives its notebooks.",
  request: { params: notebookIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

const exportNotebookRoute = createRoute({
  operationId: "exportNotebook",
  ...base,
  method: "get",
  path: "/notebooks/{id}/export",
  summary: "Export a notebook as a ZIP of Markdown files",
  description: "One folder per notebook of the subtree, one `.md` file (with front matter) per note; up to 32 MiB of notes (else 422).",
  request: { params: notebookIdParams },
  responses: {
    200: { description: "The ZIP file", content: { "application/zip": { schema: z.string().openapi({ format: "binary" }) } } },
    ...errors(401, 403, 404, 422),
  },
});

/** /notebooks: nested notebooks. */
export const notebooksRouter = createRouter<NotesEnv>()
  .openapi(listNotebooksRoute, async (c) => c.json(await listNotebooks(depsOf(c), c.req.valid("query")), 200))
  .openapi(createNotebookRoute, async (c) => {
    const notebook = await createNotebook(depsOf(c), c.req.valid("json"));
    c.header("Location", `/notes/v1/notebooks/${notebook.id}`);
    return c.json(notebook, 201);
  })
  .openapi(getNotebookRoute, async (c) => c.json(await getNotebook(depsOf(c), c.req.valid("param").id), 200))
  .openapi(updateNotebookRoute, async (c) => c.json(await updateNotebook(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteNotebookRoute, async (c) => {
    await deleteNotebook(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(exportNotebookRoute, async (c) => {
    const zip = await exportNotebookZip(depsOf(c), c.req.valid("param").id);
    return c.body(zip.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": "application/zip",
      "Content-Disposition": contentDisposition(zip.filename, "attachment"),
    });
  });
