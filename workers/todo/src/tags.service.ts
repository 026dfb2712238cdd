import { notFound } from "@edgeworks/http";
import { count, sql } from "drizzle-orm";
import type { ServiceDeps } from "./deps";
import { todos } from "./schema";
import { ownedLive } from "./todo-row";

export interface TagCount {
  name: string;
  count: number;
}

/** Live todos of the user carrying one of these tags (ASCII case ignored). */
const hasTag = (...names: string[]) =>
  sql`EXISTS (SELECT 1 FROM json_each(${todos.tags}) WHERE lower(json_each.value) IN (${sql.join(
    names.map((n) => sql`lower(${n})`),
    sql`, `,
  )}))`;

/**
 * Every tag of the user's live todos with how many todos carry it, sorted by name (ASCII case ignored).
 * Spellings differing only in case count as one tag, shown with its first spelling in sort order.
 */
export async function listTags({ db, userId }: ServiceDeps): Promise<TagCount[]> {
  return db.all<TagCount>(sql`
    SELECT min(j.value) AS name, count(*) AS count
    FROM ${todos}, json_each(${todos.tags}) AS j
    WHERE ${ownedLive(userId)}
    GROUP BY lower(j.value)
    ORDER BY lower(j.value), name`);
}

/**
 * Renames a tag on every live todo of the user in one statement. Todos that carry both names end up
 * with one (merged), and every spelling of the new name becomes exactly `to`. 404 when no live todo
 * carries `from`.
 */
export async function renameTag({ db, userId, now }: ServiceDeps, from: string, to: string): Promise<TagCount> {
  const renamed = sql`CASE WHEN lower(value) IN (lower(${from}), lower(${to})) THEN ${to} ELSE value END`;
  const fromExists = sql`EXISTS (SELECT 1 FROM ${todos} AS t2, json_each(t2.tags) AS j2
    WHERE t2.user_id = ${userId} AND t2.deleted_at IS NULL AND lower(j2.value) = lower(${from}))`;
  // raw statements cannot go in a drizzle D1 batch (drizzle-orm 0.45), so both are query builders
  const [update, [counted]] = await db.batch([
    db
      .update(todos)
      .set({
        tags: sql`(SELECT json_group_array(v) FROM (
          SELECT ${renamed} AS v, min(key) AS k FROM json_each(${todos.tags}) GROUP BY lower(v) ORDER BY k))`,
        updatedAt: now(),
      })
      .where(ownedLive(userId, hasTag(from, to), fromExists)),
    db
      .select({ count: count() })
      .from(todos)
      .where(ownedLive(userId, hasTag(to))),
  ]);
  if (update.meta.changes === 0) throw notFound("Tag");
  return { name: to, count: counted?.count ?? 0 };
}

/** Removes a tag from every live todo of the user; 404 when no live todo carries it. */
export async function deleteTag({ db, userId, now }: ServiceDeps, name: string): Promise<void> {
  const res = await db.run(sql`
    UPDATE ${todos} SET
      tags = (SELECT json_group_array(value) FROM (
        SELECT value FROM json_each(${todos.tags}) WHERE lower(value) <> lower(${name}) ORDER BY key
      )),
      updated_at = ${now()}
    WHERE ${ownedLive(userId, hasTag(name))}`);
  if (res.meta.changes === 0) throw notFound("Tag");
}
