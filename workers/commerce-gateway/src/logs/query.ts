import { decodeCursor, encodeCursor, invalidCursor, iso, toPage } from "@edgeworks/http";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type LogRow, logs } from "../schema";

export interface LogQuery {
  correlationId?: string;
  requestId?: string;
  service?: string;
  level?: string;
  cursor?: string;
  limit: number;
}

export interface LogView {
  id: string;
  time: string;
  level: string;
  service: string;
  msg: string;
  requestId: string | null;
  correlationId: string | null;
  fields: Record<string, unknown>;
}

const SCOPE = "logs:time:asc";

export const toLogView = (row: LogRow): LogView => ({
  id: row.id,
  time: iso(row.time),
  level: row.level,
  service: row.service,
  msg: row.msg,
  requestId: row.requestId,
  correlationId: row.correlationId,
  fields: JSON.parse(row.fields) as Record<string, unknown>,
});

/** Log entries, oldest first (keyset on time, id), filtered by any of correlation id, request id, service, level. */
export async function queryLogs(d1: D1Database, q: LogQuery): Promise<{ items: LogView[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (q.cursor !== undefined) {
    const [time, id] = decodeCursor(SCOPE, q.cursor, 2);
    if (typeof time !== "number" || typeof id !== "string") throw invalidCursor();
    after = sql`(${logs.time}, ${logs.id}) > (${time}, ${id})`;
  }
  const rows = await drizzle(d1)
    .select()
    .from(logs)
    .where(
      and(
        q.correlationId !== undefined ? eq(logs.correlationId, q.correlationId) : undefined,
        q.requestId !== undefined ? eq(logs.requestId, q.requestId) : undefined,
        q.service !== undefined ? eq(logs.service, q.service) : undefined,
        q.level !== undefined ? eq(logs.level, q.level) : undefined,
        after,
      ),
    )
    .orderBy(asc(logs.time), asc(logs.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (last) => encodeCursor(SCOPE, [last.time, last.id]));
  return { items: page.items.map(toLogView), nextCursor: page.nextCursor };
}
