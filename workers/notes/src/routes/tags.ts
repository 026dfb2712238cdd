import { createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { depsOf, type NotesEnv } from "../product";

const tagListSchema = z
  .object({ items: z.array(z.object({ name: z.string(), count: z.number().int() }).openapi("TagCount")) })
  .openapi("TagList");

const listTagsRoute = createRoute({
  tags: ["Notes"],
  security: [{ bearerAuth: [] }],
  method: "get",
  path: "/tags",
  summary: "Your tags with their note counts",
  description: "Over your notes that are not in the trash (archived ones included); names that differ only in ASCII case are one tag.",
  responses: { 200: jsonResponse(tagListSchema, "Every tag, sorted by name"), ...errors(401, 403) },
});

export const tagsRouter = createRouter<NotesEnv>().openapi(listTagsRoute, async (c) => {
  const { db, userId } = depsOf(c);
  const rows = await db.all<{ name: string; count: number }>(sql`SELECT min(t.value) AS name, count(DISTINCT n.id) AS count
    FROM notes n, json_each(n.tags) t WHERE n.user_id = ${userId} AND n.deleted_at IS NULL
    GROUP BY lower(t.value) ORDER BY lower(t.value)`);
  return c.json({ items: rows.map((r) => ({ name: r.name, count: r.count })) }, 200);
});
