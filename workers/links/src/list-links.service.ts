import { decodeCursor, encodeCursor, toPage } from "@edgeworks/http";
import { and, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { OwnerDeps } from "./deps";
import { toLink } from "./link-view";
import { links } from "./schema";
import { type Link, type ListLinksQuery, tagKey } from "./validation";

const CURSOR_SCOPE = "links:createdAt:desc";

/** `%`, `_` and `\` are literal in the search text; ASCII case folding, as SQLite's lower() does. */
const likePattern = (q: string) => `%${tagKey(q).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * One page of the caller's live links, newest first, keyset-paginated on (createdAt, id); one query.
 * Anonymous links have no owner, so they are never listed.
 */
export async function listLinks(deps: OwnerDeps, query: ListLinksQuery): Promise<{ items: Link[]; nextCursor: string | null }> {
  const filters: (SQL | undefined)[] = [eq(links.userId, deps.userId), isNull(links.deletedAt)];
  if (query.tag) {
    filters.push(sql`EXISTS (SELECT 1 FROM json_each(${links.tags}) WHERE lower(json_each.value) = ${tagKey(query.tag)})`);
  }
  if (query.q) {
    const pattern = likePattern(query.q);
    filters.push(
      sql`(lower(${links.url}) LIKE ${pattern} ESCAPE '\\' OR lower(${links.slug}) LIKE ${pattern} ESCAPE '\\' OR lower(coalesce(${links.title}, '')) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(CURSOR_SCOPE, query.cursor, 2);
    if (typeof createdAt !== "number" || typeof id !== "string") decodeCursor(CURSOR_SCOPE, "", 2);
    filters.push(or(lt(links.createdAt, createdAt as number), and(eq(links.createdAt, createdAt as number), lt(links.id, id as string))));
  }
  const rows = await deps.db
    .select()
    .from(links)
    .where(and(...filters))
    .orderBy(desc(links.createdAt), desc(links.id))
    .limit(query.limit + 1)
    .all();
  const page = toPage(rows, query.limit, (last) => encodeCursor(CURSOR_SCOPE, [last.createdAt, last.id]));
  return { items: page.items.map((row) => toLink(row, deps.origin)), nextCursor: page.nextCursor };
}
