import { decodeCursor, encodeCursor, invalidCursor, toPage } from "@edgeworks/http";
import { asc, desc, eq, gte, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { ServiceDeps } from "./deps";
import { type TodoRow, todos } from "./schema";
import { ownedLive, priorityRank, toTodo } from "./todo-row";
import type { ListTodosQuery, Order, Sort, Todo } from "./validation";

const DEFAULT_ORDER: Record<Sort, Order> = { createdAt: "desc", dueAt: "asc", priority: "desc", position: "asc" };
const COLUMNS = { createdAt: todos.createdAt, dueAt: todos.dueAt, priority: todos.priority, position: todos.position } as const;

type Keyset = { sort: Sort; order: Order; value: number | null; id: string };

/** `%` and `_` are LIKE wildcards: escape them (and the escape character) so `q` matches literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

function filters(query: ListTodosQuery, now: number): (SQL | undefined)[] {
  const overdue = sql`(${todos.dueAt} < ${now} AND ${todos.completedAt} IS NULL)`;
  return [
    query.status === "active" ? isNull(todos.completedAt) : undefined,
    query.status === "completed" ? isNotNull(todos.completedAt) : undefined,
    query.tag === undefined
      ? undefined
      : sql`EXISTS (SELECT 1 FROM json_each(${todos.tags}) WHERE lower(json_each.value) = lower(${query.tag}))`,
    query.priority === undefined ? undefined : eq(todos.priority, priorityRank(query.priority)),
    query.q === undefined
      ? undefined
      : or(
          sql`${todos.title} LIKE ${likePattern(query.q)} ESCAPE '\\'`,
          sql`${todos.description} LIKE ${likePattern(query.q)} ESCAPE '\\'`,
        ),
    query.dueBefore === undefined ? undefined : lt(todos.dueAt, query.dueBefore),
    query.dueAfter === undefined ? undefined : gte(todos.dueAt, query.dueAfter),
    query.overdue === undefined ? undefined : query.overdue ? overdue : sql`NOT coalesce(${overdue}, 0)`,
  ];
}

/**
 * dueAt sorts todos without a due time last in both orders: the leading key is `due_at IS NULL`
 * (asc) or `due_at IS NOT NULL` (desc), which the two expression indexes of the migration match.
 */
const dueNullsLast = (order: Order) => (order === "asc" ? sql`${todos.dueAt} IS NULL` : sql`${todos.dueAt} IS NOT NULL`);

/**
 * The rows strictly after the cursor in the listing order, as one row-value comparison that the
 * sort's index can seek to. A null dueAt cursor continues among the nulls, ordered by id.
 */
function after({ sort, order, value, id }: Keyset): SQL {
  const col = COLUMNS[sort];
  const cmp = order === "asc" ? sql.raw(">") : sql.raw("<");
  if (sort !== "dueAt") return sql`(${col}, ${todos.id}) ${cmp} (${value}, ${id})`;
  if (value === null) return sql`(${col} IS NULL AND ${todos.id} ${cmp} ${id})`;
  return sql`(${dueNullsLast(order)}, ${col}, ${todos.id}) ${cmp} (${order === "asc" ? 0 : 1}, ${value}, ${id})`;
}

function orderBy(sort: Sort, order: Order): SQL[] {
  const dir = order === "asc" ? asc : desc;
  const keys = [dir(COLUMNS[sort]), dir(todos.id)];
  return sort === "dueAt" ? [dir(dueNullsLast(order)), ...keys] : keys;
}

function readCursor(scope: string, sort: Sort, cursor: string): { value: number | null; id: string } {
  const [value, id] = decodeCursor(scope, cursor, 2);
  const valueOk = typeof value === "number" || (value === null && sort === "dueAt");
  if (!valueOk || typeof id !== "string") {
    throw invalidCursor();
  }
  return { value: value as number | null, id };
}

const sortValue = (row: TodoRow, sort: Sort): number | null => row[sort];

/**
 * One page of the user's todos: a single indexed query (tags come with the row), keyset-paginated
 * so that paging through every page returns each matching todo exactly once, even while todos are added.
 */
export async function listTodos(
  { db, userId, now }: ServiceDeps,
  query: ListTodosQuery,
): Promise<{ items: Todo[]; nextCursor: string | null }> {
  const { sort, limit } = query;
  const order = query.order ?? DEFAULT_ORDER[sort];
  const scope = `todos:${sort}:${order}`;
  const position = query.cursor === undefined ? undefined : after({ sort, order, ...readCursor(scope, sort, query.cursor) });
  const rows = await db
    .select()
    .from(todos)
    .where(ownedLive(userId, ...filters(query, now()), position))
    .orderBy(...orderBy(sort, order))
    .limit(limit + 1);
  const page = toPage(rows, limit, (last) => encodeCursor(scope, [sortValue(last, sort), last.id]));
  return { items: page.items.map(toTodo), nextCursor: page.nextCursor };
}
