import { sql } from "drizzle-orm";
import type { ServiceDeps } from "./deps";

export interface TagCount {
  name: string;
  count: number;
}

/**
 * The caller's tags with their note counts, over notes not in the trash (archived ones included),
 * sorted by name; names that differ only in ASCII case are one tag (shown as the smallest spelling).
 * The tags are a JSON array per note, so this stays SQL (`json_each`).
 *
 * @example const items = await listTags({ db, userId });
 */
export async function listTags({ db, userId }: Pick<ServiceDeps, "db" | "userId">): Promise<TagCount[]> {
  const rows = await db.all<TagCount>(sql`SELECT min(t.value) AS name, count(DISTINCT n.id) AS count
    FROM notes n, json_each(n.tags) t WHERE n.user_id = ${userId} AND n.deleted_at IS NULL
    GROUP BY lower(t.value) ORDER BY lower(t.value)`);
  return rows.map((r) => ({ name: r.name, count: r.count }));
}
