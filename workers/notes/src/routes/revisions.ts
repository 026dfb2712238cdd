import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { etagOf } from "../note-row";
import { depsOf, type NotesEnv } from "../product";
import { getRevision, listRevisions, restoreRevision } from "../revisions.service";
import {
  ifMatchHeaders,
  noteIdParams,
  noteSchema,
  revisionDetailSchema,
  revisionPageSchema,
  revisionParams,
  revisionsQuery,
} from "../validation";

const base = { tags: ["Revisions"], security: [{ bearerAuth: [] }] };

const listRevisionsRoute = createRoute({
  operationId: "listRevisions",
  ...base,
  method: "get",
  path: "/notes/{id}/revisions",
  summary: "List a note's revisions",
  description: "Newest first, without content; one per title/content change (the first is the note as created).",
  request: { params: noteIdParams, query: revisionsQuery },
  responses: { 200: jsonResponse(revisionPageSchema, "A page of revisions"), ...errors(401, 403, 404, 422) },
});

const getRevisionRoute = createRoute({
  operationId: "getRevision",
  ...base,
  method: "get",
  path: "/notes/{id}/revisions/{revisionId}",
  summary: "Get a revision with its content",
  request: { params: revisionParams },
  responses: { 200: jsonResponse(revisionDetailSchema, "The revision"), ...errors(401, 403, 404, 422) },
});

const restoreRevisionRoute = createRoute({
  operationId: "restoreRevision",
  ...base,
  method: "post",
  path: "/notes/{id}/revisions/{revisionId}/restore",
  summary: "Restore a revision",
  description:
    "Owner or editor: the note gets the revision's title and content back, which records a new revision. `If-Match` is honoured.",
  request: { params: revisionParams, headers: ifMatchHeaders },
  responses: {
    200: { ...jsonResponse(noteSchema, "The note"), headers: z.object({ ETag: z.string() }) },
    ...errors(401, 403, 404, 412, 422, 429),
  },
});

export const revisionsRouter = createRouter<NotesEnv>()
  .openapi(listRevisionsRoute, async (c) => c.json(await listRevisions(depsOf(c), c.req.valid("param").id, c.req.valid("query")), 200))
  .openapi(getRevisionRoute, async (c) => {
    const { id, revisionId } = c.req.valid("param");
    return c.json(await getRevision(depsOf(c), id, revisionId), 200);
  })
  .openapi(restoreRevisionRoute, async (c) => {
    const { id, revisionId } = c.req.valid("param");
    const note = await restoreRevision(depsOf(c), id, revisionId, c.req.valid("header")["if-match"]);
    c.header("ETag", etagOf(note.version));
    return c.json(note, 200);
  });
