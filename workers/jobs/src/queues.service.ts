import { ApiError, decodeCursor, encodeCursor, invalidCursor, notFound, toPage } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { and, asc, eq, gt, or, type SQL } from "drizzle-orm";
import { customAlphabet } from "nanoid";
import type { ServiceDeps } from "./deps";
import type { SchedulerApi } from "./engine/types";
import { type Queue, queueKeyOf, settingsOf, toQueue } from "./queue-view";
import { type QueueRow, queues } from "./schema";
import { type CreateQueueInput, JOB_ID_PATTERN, QUEUE_ID_PATTERN, type UpdateQueueInput } from "./validation";

/** Queue ids are alphanumeric, so a job id `j_<queueId>_<suffix>` splits at a fixed place. */
const queueSuffix = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 12);
const SCOPE = "queues:name:asc";

export const DEFAULT_RETENTION = {
  completed: { count: 1000, ageSeconds: 7 * 86_400 },
  failed: { count: 10_000, ageSeconds: 30 * 86_400 },
};
export const DEFAULT_CONCURRENCY = 10;

/** A queue of the caller, its row and its scheduler. */
export interface OpenQueue {
  row: QueueRow;
  scheduler: SchedulerApi;
}

const owned = (userId: string, ...more: (SQL | undefined)[]) => and(eq(queues.ownerId, userId), ...more);
/** D1's unique violation, also when drizzle wraps it ("Failed query: …" with the D1 error as `cause`). */
const isUniqueViolation = (err: unknown): boolean =>
  err instanceof Error && (/UNIQUE constraint failed/i.test(err.message) || isUniqueViolation(err.cause));
const nameTaken = () => new ApiError("conflict", "You already have a queue with this name");

/** The caller's queue by name or id, or 404 (another owner's queue is 404 too: existence is not revealed). */
export async function openQueueOrThrow(deps: ServiceDeps, q: string): Promise<OpenQueue> {
  const byIdOrName = QUEUE_ID_PATTERN.test(q) ? or(eq(queues.id, q), eq(queues.name, q)) : eq(queues.name, q);
  const rows = await deps.db.select().from(queues).where(owned(deps.userId, byIdOrName)).limit(2);
  // an id wins over a name that happens to look like another queue's id
  const row = rows.find((r) => r.id === q) ?? rows[0];
  if (!row) throw notFound("Queue");
  return { row, scheduler: deps.scheduler(queueKeyOf(row)) };
}

/** The caller's queue that a job id names (`j_<queueId>_…`), or 404 "Job" (a stranger's job is not revealed). */
export async function openJobQueueOrThrow(deps: ServiceDeps, jobId: string): Promise<OpenQueue> {
  if (!JOB_ID_PATTERN.test(jobId)) throw notFound("Job");
  const queueId = jobId.slice(2, 16);
  const [row] = await deps.db
    .select()
    .from(queues)
    .where(owned(deps.userId, eq(queues.id, queueId)))
    .limit(1);
  if (!row) throw notFound("Job");
  return { row, scheduler: deps.scheduler(queueKeyOf(row)) };
}

/** A queue row by id alone, whoever owns it (for credentials that name the queue themselves, e.g. a live ticket). */
export async function findQueueById(db: ServiceDeps["db"], id: string): Promise<QueueRow | undefined> {
  if (!QUEUE_ID_PATTERN.test(id)) return undefined;
  const [row] = await db.select().from(queues).where(eq(queues.id, id)).limit(1);
  return row;
}

/** Pushes the row's settings to the queue's scheduler (after every D1 write). */
async function configure(deps: ServiceDeps, row: QueueRow): Promise<void> {
  unwrap(await deps.scheduler(queueKeyOf(row)).configure({ id: row.id, name: row.name, ownerId: row.ownerId }, settingsOf(row)));
}

/** A queue with its live counts. */
export async function withCounts(open: OpenQueue): Promise<Queue> {
  return toQueue(open.row, unwrap(await open.scheduler.counts()));
}

/** One page of the caller's queues by name, each with its counts. */
export async function listQueues(
  deps: ServiceDeps,
  query: { cursor?: string; limit: number },
): Promise<{ items: Queue[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [name] = decodeCursor(SCOPE, query.cursor, 1);
    if (typeof name !== "string") throw invalidCursor();
    after = gt(queues.name, name);
  }
  const rows = await deps.db
    .select()
    .from(queues)
    .where(owned(deps.userId, after))
    .orderBy(asc(queues.name))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor(SCOPE, [last.name]));
  const items = await Promise.all(page.items.map((row) => withCounts({ row, scheduler: deps.scheduler(queueKeyOf(row)) })));
  return { items, nextCursor: page.nextCursor };
}

/** Every queue of the caller (for metrics). */
export async function listAllQueueRows(deps: ServiceDeps): Promise<QueueRow[]> {
  return deps.db.select().from(queues).where(owned(deps.userId)).orderBy(asc(queues.name));
}

/** Creates a queue (409 when the caller already has one of that name) and configures its scheduler. */
export async function createQueue(deps: ServiceDeps, input: CreateQueueInput): Promise<Queue> {
  const t = deps.now();
  const d = input.retention;
  const values: QueueRow = {
    id: `q_${queueSuffix()}`,
    ownerId: deps.userId,
    name: input.name,
    paused: input.paused ?? false,
    concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
    rateLimit: input.rateLimit ? JSON.stringify(input.rateLimit) : null,
    defaultJobOptions: JSON.stringify(input.defaultJobOptions ?? {}),
    retention: JSON.stringify({
      completed: { ...DEFAULT_RETENTION.completed, ...d?.completed },
      failed: { ...DEFAULT_RETENTION.failed, ...d?.failed },
    }),
    createdAt: t,
    updatedAt: t,
  };
  try {
    await deps.db.insert(queues).values(values);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  try {
    await configure(deps, values);
  } catch (err) {
    // a queue whose scheduler never learnt its settings would refuse every job: take the row back
    await deps.db.delete(queues).where(owned(deps.userId, eq(queues.id, values.id)));
    throw err;
  }
  return withCounts({ row: values, scheduler: deps.scheduler(queueKeyOf(values)) });
}

/** Changes the given settings (`{}` changes nothing) and reconfigures the scheduler. */
export async function updateQueue(deps: ServiceDeps, q: string, patch: UpdateQueueInput): Promise<Queue> {
  const open = await openQueueOrThrow(deps, q);
  if (Object.keys(patch).length === 0) return withCounts(open);
  const current = settingsOf(open.row);
  const set: Partial<QueueRow> = { updatedAt: deps.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.paused !== undefined) set.paused = patch.paused;
  if (patch.concurrency !== undefined) set.concurrency = patch.concurrency;
  if (patch.rateLimit !== undefined) set.rateLimit = patch.rateLimit ? JSON.stringify(patch.rateLimit) : null;
  if (patch.defaultJobOptions !== undefined) set.defaultJobOptions = JSON.stringify(patch.defaultJobOptions);
  if (patch.retention !== undefined)
    set.retention = JSON.stringify({
      completed: { ...current.retention.completed, ...patch.retention.completed },
      failed: { ...current.retention.failed, ...patch.retention.failed },
    });
  let row: QueueRow | undefined;
  try {
    [row] = await deps.db
      .update(queues)
      .set(set)
      .where(owned(deps.userId, eq(queues.id, open.row.id)))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  if (!row) throw notFound("Queue");
  await configure(deps, row);
  return withCounts({ row, scheduler: open.scheduler });
}

/** Deletes the queue's row, then every job and schedule in its scheduler. */
export async function deleteQueue(deps: ServiceDeps, q: string): Promise<void> {
  const open = await openQueueOrThrow(deps, q);
  const deleted = await deps.db
    .delete(queues)
    .where(owned(deps.userId, eq(queues.id, open.row.id)))
    .returning({ id: queues.id });
  if (deleted.length === 0) throw notFound("Queue");
  // the id is never reused, so an object left behind by a failure here is unreachable, not visible
  unwrap(await open.scheduler.destroy());
}
