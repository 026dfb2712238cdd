import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { depsOf, type NotesEnv } from "../product";
import { searchNotes } from "../search.service";
import { searchPageSchema, searchQuery } from "../validation";

const searchRoute = createRoute({
  operationId: "searchNotes",
  tags: ["Search"],
  security: [{ bearerAuth: [] }],
  method: "get",
  path: "/search",
  summary: "Full-text search",
  description:
    "SQLite FTS5 over title, content and tags of every note you may read (yours and shared with you); never trashed notes, " +
    'archived ones only with `includeArchived=true`. `q` takes words, `prefix*` and `"phrases"`; results are ranked by bm25 ' +
    "with a highlighted title and content snippet. `tag` (repeatable) and `notebookId` narrow it.",
  request: { query: searchQuery },
  responses: { 200: jsonResponse(searchPageSchema, "Ranked results"), ...errors(401, 403, 404, 422) },
});

export const searchRouter = createRouter<NotesEnv>().openapi(searchRoute, async (c) =>
  c.json(await searchNotes(depsOf(c), c.req.valid("query")), 200),
);
