import { iso } from "@edgeworks/http";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { type TodoRow, todos } from "./schema";
import { DEFAULT_PRIORITY, PRIORITIES, type Priority, type Todo } from "./validation";

/** The stored rank of a priority (0 low … 3 urgent). */
export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p);

/** The API shape of a stored row. */
export function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completedAt !== null,
    completedAt: iso(row.completedAt),
    dueAt: iso(row.dueAt),
    priority: PRIORITIES[row.priority] ?? DEFAULT_PRIORITY,
    tags: row.tags,
    position: row.position,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** The user's live (not deleted) todos: the scope of every query, so no handler can forget it. */
export const ownedLive = (userId: string, ...more: (SQL | undefined)[]): SQL | undefined =>
  and(eq(todos.userId, userId), isNull(todos.deletedAt), ...more);

/** The position after the user's last live todo, computed inside the statement that uses it. */
export const nextPositionSql = (userId: string): SQL<number> =>
  sql<number>`(SELECT coalesce(max(${todos.position}), 0) + 1 FROM ${todos} WHERE ${ownedLive(userId)})`;
