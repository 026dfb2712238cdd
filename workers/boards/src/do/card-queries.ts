import type { SearchQuery } from "../validation";
import type { Card } from "../views";
import type { CardRow } from "./board-schema";
import type { BoardStore } from "./board-store";

// Read-only card queries of a board: search, the calendar view and the feed's due cards.

/** Cards matching every given filter, in board order (list, then position). */
export function searchCards(s: BoardStore, actorId: string, q: SearchQuery): Card[] {
  s.requireRole(actorId, "observer");
  // a card in an archived list counts as archived (the board view hides both)
  const where = [q.archived ? "(c.archived = 1 OR l.archived = 1)" : "c.archived = 0 AND l.archived = 0"];
  const args: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    args.push(...values);
  };
  if (q.q !== undefined) add("(instr(lower(c.title), lower(?)) > 0 OR instr(lower(coalesce(c.description, '')), lower(?)) > 0)", q.q, q.q);
  if (q.label !== undefined) add("EXISTS (SELECT 1 FROM json_each(c.labels) WHERE value = ?)", q.label);
  if (q.assignee !== undefined) add("EXISTS (SELECT 1 FROM json_each(c.assignees) WHERE value = ?)", q.assignee);
  if (q.dueBefore !== undefined) add("c.due_at < ?", q.dueBefore);
  if (q.dueAfter !== undefined) add("c.due_at >= ?", q.dueAfter);
  if (q.hasDue !== undefined) add(q.hasDue ? "c.due_at IS NOT NULL" : "c.due_at IS NULL");
  if (q.listId !== undefined) add("c.list_id = ?", q.listId);
  if (q.due !== undefined) addDueFilter(q.due, s.now(), add);
  const rows = s.all<CardRow>(
    `SELECT c.* FROM cards c JOIN lists l ON l.id = c.list_id WHERE ${where.join(" AND ")} ORDER BY l.pos, c.pos LIMIT 500`,
    ...args,
  );
  return s.cardViews(rows);
}

const DAY_MS = 86_400_000;
const AHEAD = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;

/** The `due` shorthand of search, as SQL over `c` (the card) and `l` (its list). */
function addDueFilter(due: NonNullable<SearchQuery["due"]>, now: number, add: (clause: string, ...values: unknown[]) => void): void {
  if (due === "none") add("c.due_at IS NULL");
  else if (due === "any") add("c.due_at IS NOT NULL");
  else if (due === "overdue") add("c.due_at < ? AND l.done = 0", now);
  else add("c.due_at >= ? AND c.due_at < ?", now, now + AHEAD[due]);
}

/** Live cards due in [from, to), soonest first. */
export function calendar(s: BoardStore, actorId: string, from: number, to: number): Card[] {
  s.requireRole(actorId, "observer");
  return s.cardViews(
    s.all<CardRow>(
      `SELECT c.* FROM cards c JOIN lists l ON l.id = c.list_id
       WHERE c.archived = 0 AND l.archived = 0 AND c.due_at >= ? AND c.due_at < ? ORDER BY c.due_at, c.id LIMIT 1000`,
      from,
      to,
    ),
  );
}

/** A feed entry: a due card with where it lives. */
export interface DueCard {
  id: string;
  title: string;
  description: string | null;
  dueAt: number;
  updatedAt: number;
  listName: string;
  boardId: string;
  boardName: string;
}

/** The live cards with a due date, for a member's calendar feed (nothing for a non-member). */
export function dueCards(s: BoardStore, userId: string): DueCard[] {
  const board = s.board();
  if (!board || s.roleOf(userId) === null) return [];
  return s
    .all<CardRow & { list_name: string }>(
      "SELECT c.*, l.name AS list_name FROM cards c JOIN lists l ON l.id = c.list_id WHERE c.archived = 0 AND l.archived = 0 AND c.due_at IS NOT NULL ORDER BY c.due_at LIMIT 1000",
    )
    .map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      dueAt: c.due_at as number,
      updatedAt: c.updated_at,
      listName: c.list_name,
      boardId: board.id,
      boardName: board.name,
    }));
}
