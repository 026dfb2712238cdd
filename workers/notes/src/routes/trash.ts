import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { depsOf, type NotesEnv } from "../product";
import { deleteForever, emptyTrash, listTrash } from "../trash/trash.service";
import { deletedCountSchema, noteIdParams, trashPageSchema, trashQuery } from "../validation";

const base = { tags: ["Trash"], security: [{ bearerAuth: [] }] };

const listTrashRoute = createRoute({
  operationId: "listTrash",
  ...base,
  method: "get",
  path: "/trash",
  summary: "List your trashed notes",
  description: "Most recently deleted first, with `purgeAt` (30 days after deletion, when the daily cleanup deletes them for good).",
  request: { query: trashQuery },
  responses: { 200: jsonResponse(trashPageSchema, "A page of trashed notes"), ...errors(401, 403, 422) },
});

const deleteForeverRoute = createRoute({
  operationId: "purgeTrashedNote",
  ...base,
  method: "delete",
  path: "/trash/{id}",
  summary: "Delete a trashed note for good",
  description: "With its revisions, shares, public link and attachments. 404 unless the note is yours and in the trash.",
  request: { params: noteIdParams },
  responses: { 204: { description: "Deleted for good" }, ...errors(401, 403, 404, 422, 429) },
});

const emptyTrashRoute = createRoute({
  operationId: "emptyTrash",
  ...base,
  method: "delete",
  path: "/trash",
  summary: "Empty your trash now",
  responses: { 200: jsonResponse(deletedCountSchema, "How many notes were deleted for good"), ...errors(401, 403, 429) },
});

export const trashRouter = createRouter<NotesEnv>()
  .openapi(listTrashRoute, async (c) => c.json(await listTrash(depsOf(c), c.req.valid("query")), 200))
  .openapi(emptyTrashRoute, async (c) => c.json({ deleted: await emptyTrash(depsOf(c), c.env.ATTACHMENTS) }, 200))
  .openapi(deleteForeverRoute, async (c) => {
    await deleteForever(depsOf(c), c.env.ATTACHMENTS, c.req.valid("param").id);
    return c.body(null, 204);
  });
