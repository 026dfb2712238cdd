import { notFound } from "@edgeworks/http";
import { eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { ServiceDeps } from "./deps";
import { type TodoRow, todos } from "./schema";
import { nextPositionSql, ownedLive, priorityRank, toTodo } from "./todo-row";
import { type CreateTodoInput, DEFAULT_PRIORITY, type ReplaceTodoInput, type Todo, type UpdateTodoInput } from "./validation";

type TodoSet = Partial<{ [K in keyof TodoRow]: TodoRow[K] | SQL }>;

const byId = (userId: string, id: string) => ownedLive(userId, eq(todos.id, id));

/** `completed: true` keeps an existing completedAt; `false` clears it. */
const completedAtFor = (completed: boolean, now: number): SQL | null => (completed ? sql`coalesce(${todos.completedAt}, ${now})` : null);

/** Loads one of the user's live todos, or throws 404 (also for another user's todo). */
export async function getTodoOrThrow({ db, userId }: ServiceDeps, id: string): Promise<Todo> {
  const [row] = await db.select().from(todos).where(byId(userId, id)).limit(1);
  if (!row) throw notFound("Todo");
  return toTodo(row);
}

async function updateOrThrow({ db, userId }: ServiceDeps, id: string, set: TodoSet): Promise<Todo> {
  const [row] = await db.update(todos).set(set).where(byId(userId, id)).returning();
  if (!row) throw notFound("Todo");
  return toTodo(row);
}

const newRow = (userId: string, input: CreateTodoInput, position: number, now: number): TodoRow => ({
  id: nanoid(),
  userId,
  title: input.title,
  description: input.description ?? null,
  completedAt: null,
  dueAt: input.dueAt ?? null,
  priority: priorityRank(input.priority ?? DEFAULT_PRIORITY),
  tags: input.tags ?? [],
  position,
  createdAt: now,
  updatedAt: now,
  deletedAt: null,
});

/**
 * Creates a todo after the user's last one (unless `position` is given). A retry with an
 * Idempotency-Key never reaches this: the route's idempotency() middleware replays the first response.
 */
export async function createTodo(deps: ServiceDeps, input: CreateTodoInput): Promise<{ todo: Todo }> {
  const [created] = await deps.db
    .insert(todos)
    .values({ ...newRow(deps.userId, input, 0, deps.now()), position: input.position ?? nextPositionSql(deps.userId) })
    .returning();
  if (!created) throw new Error("INSERT … RETURNING returned no row");
  return { todo: toTodo(created) };
}

/** Changes only the given fields; `{}` changes nothing (and keeps updatedAt). */
export async function updateTodo(deps: ServiceDeps, id: string, patch: UpdateTodoInput): Promise<Todo> {
  const { completed, priority, ...fields } = patch;
  if (Object.keys(patch).length === 0) return getTodoOrThrow(deps, id);
  const now = deps.now();
  return updateOrThrow(deps, id, {
    ...fields,
    ...(priority === undefined ? {} : { priority: priorityRank(priority) }),
    ...(completed === undefined ? {} : { completedAt: completedAtFor(completed, now) }),
    updatedAt: now,
  });
}

/** Replaces every field; omitted ones get their defaults (position: after the user's last todo). */
export async function replaceTodo(deps: ServiceDeps, id: string, input: ReplaceTodoInput): Promise<Todo> {
  const now = deps.now();
  return updateOrThrow(deps, id, {
    title: input.title,
    description: input.description ?? null,
    dueAt: input.dueAt ?? null,
    priority: priorityRank(input.priority ?? DEFAULT_PRIORITY),
    tags: input.tags ?? [],
    position: input.position ?? nextPositionSql(deps.userId),
    completedAt: completedAtFor(input.completed ?? false, now),
    updatedAt: now,
  });
}

/**
 * Marks a todo complete or not. Repeating it is a no-op: completedAt and updatedAt are kept when the
 * state does not change.
 */
export async function setCompleted(deps: ServiceDeps, id: string, completed: boolean): Promise<Todo> {
  const now = deps.now();
  const changes = completed ? sql`${todos.completedAt} IS NULL` : sql`${todos.completedAt} IS NOT NULL`;
  return updateOrThrow(deps, id, {
    completedAt: completedAtFor(completed, now),
    updatedAt: sql`CASE WHEN ${changes} THEN ${now} ELSE ${todos.updatedAt} END`,
  });
}

/** Soft-deletes one todo, or throws 404. */
export async function deleteTodo({ db, userId, now }: ServiceDeps, id: string): Promise<void> {
  const t = now();
  const deleted = await db.update(todos).set({ deletedAt: t, updatedAt: t }).where(byId(userId, id)).returning({ id: todos.id });
  if (deleted.length === 0) throw notFound("Todo");
}

/** Completes every open todo of the user; returns how many changed. */
export async function completeAll({ db, userId, now }: ServiceDeps): Promise<number> {
  const t = now();
  const res = await db
    .update(todos)
    .set({ completedAt: t, updatedAt: t })
    .where(ownedLive(userId, isNull(todos.completedAt)))
    .run();
  return res.meta.changes;
}

/** Soft-deletes every completed todo of the user; returns how many. */
export async function clearCompleted({ db, userId, now }: ServiceDeps): Promise<number> {
  const t = now();
  const res = await db
    .update(todos)
    .set({ deletedAt: t, updatedAt: t })
    .where(ownedLive(userId, isNotNull(todos.completedAt)))
    .run();
  return res.meta.changes;
}
