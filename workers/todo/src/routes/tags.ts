import { createRouter, errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { depsOf, type TodoEnv } from "../product";
import { deleteTag, listTags, renameTag } from "../tags.service";
import { renameTagBody, tagListSchema, tagParams, tagSchema } from "../validation";

const base = { tags: ["Tags"], security: [{ bearerAuth: [] }] };

const listTagsRoute = createRoute({
  ...base,
  operationId: "listTags",
  method: "get",
  path: "/tags",
  summary: "List tags with their todo counts",
  description: "Counts live todos; sorted by name, ignoring ASCII case.",
  responses: { 200: jsonResponse(tagListSchema, "Every tag of the user's todos"), ...errors(401, 403) },
});

const renameTagRoute = createRoute({
  ...base,
  operationId: "renameTag",
  method: "patch",
  path: "/tags/{name}",
  summary: "Rename a tag on every todo",
  description: "Todos that already carry the new name keep one copy (merge). ASCII case is ignored when matching.",
  request: { params: tagParams, body: jsonBody(renameTagBody) },
  responses: { 200: jsonResponse(tagSchema, "The tag under its new name"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

const deleteTagRoute = createRoute({
  ...base,
  operationId: "deleteTag",
  method: "delete",
  path: "/tags/{name}",
  summary: "Remove a tag from every todo",
  request: { params: tagParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 422, 429) },
});

/** /tags: the tags of the user's todos, derived from the todos themselves. */
export const tagsRouter = createRouter<TodoEnv>()
  .openapi(listTagsRoute, async (c) => c.json({ items: await listTags(depsOf(c)) }, 200))
  .openapi(renameTagRoute, async (c) => c.json(await renameTag(depsOf(c), c.req.valid("param").name, c.req.valid("json").name), 200))
  .openapi(deleteTagRoute, async (c) => {
    await deleteTag(depsOf(c), c.req.valid("param").name);
    return c.body(null, 204);
  });
