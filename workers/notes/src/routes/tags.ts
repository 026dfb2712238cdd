import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { depsOf, type NotesEnv } from "../product";
import { listTags } from "../tags.service";

const tagListSchema = z
  .object({ items: z.array(z.object({ name: z.string(), count: z.number().int() }).openapi("TagCount")) })
  .openapi("TagList");

const listTagsRoute = createRoute({
  operationId: "listTags",
  tags: ["Notes"],
  security: [{ bearerAuth: [] }],
  method: "get",
  path: "/tags",
  summary: "Your tags with their note counts",
  description: "Over your notes that are not in the trash (archived ones included); names that differ only in ASCII case are one tag.",
  responses: { 200: jsonResponse(tagListSchema, "Every tag, sorted by name"), ...errors(401, 403) },
});

export const tagsRouter = createRouter<NotesEnv>().openapi(listTagsRoute, async (c) => {
  return c.json({ items: await listTags(depsOf(c)) }, 200);
});
