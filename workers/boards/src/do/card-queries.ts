import { and, eq, getTableColumns, gte, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { SearchQuery } from "../validation";
import type { Card } from "../views";
import { cards, lists } from "./board.schema";
import type { BoardStore } from "./board-store";

// Read-only card queries of a board: search, the calendar view and the feed's due cards.

/** Cards matching every given filter, in board order (list, then position). */
export function searchCards(s: BoardStore, actorId: string, q: SearchQuery): Card[] {
  s.requireRole(actorId, "observer");
  // a card in an archived list counts as archived (the board view hides both)
  const where: (SQL | undefined)[] = [
    q.archived ? or(eq(cards.archived, true), eq(lists.archived, true)) : and(eq(cards.archived, false), eq(lists.archived, false)),
  ];
  if (q.q !== undefined) {
    // a substring anywhere (instr, not LIKE: `%` and `_` in the query are plain characters)
    where.push(
      sql`(instr(lower(${cards.title}), lower(${q.q})) > 0 OR instr(lower(coalesce(${cards.description}, '')), lower(${q.q})) > 0)`,
    );
  }
  if (q.label !== undefined) where.push(sql`EXISTS (SELECT 1 FROM json_each(${cards.labels}) WHERE value = ${q.label})`);
  if (q.assignee !== undefined) where.push(sql`EXISTS (SELECT 1 FROM json_each(${cards.assignees}) WHERE value = ${q.assignee})`);
  if (q.dueBefore !== undefined) where.push(lt(cards.dueAt, q.dueBefore));
  if (q.dueAfter !== undefined) where.push(gte(cards.dueAt, q.dueAfter));
  if (q.hasDue !== undefined) where.push(q.hasDue ? isNotNull(cards.dueAt) : isNull(cards.dueAt));
  if (q.listId !== undefined) where.push(eq(cards.listId, q.listId));
  if (q.due !== undefined) where.push(dueFilter(q.due, s.now()));
  const rows = s.db
    .select(getTableColumns(cards))
    .from(cards)
    .innerJoin(lists, eq(lists.id, cards.listId))
    .where(and(...where))
    .orderBy(lists.pos, cards.pos)
    .limit(500)
    .all();
  return s.cardViews(rows);
}

const DAY_MS = 86_400_000;
const AHEAD = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;

/** The `due` shorthand of search, over the card and its list. */
function dueFilter(due: NonNullable<SearchQuery["due"]>, now: number): SQL | undefined {
  if (due === "none") return isNull(cards.dueAt);
  if (due === "any") return isNotNull(cards.dueAt);
  if (due === "overdue") return and(lt(cards.dueAt, now), eq(lists.done, false));
  return and(gte(cards.dueAt, now), lt(cards.dueAt, now + AHEAD[due]));
}

/** Live cards due in [from, to), soonest first. */
export function calendar(s: BoardStore, actorId: string, from: number, to: number): Card[] {
  s.requireRole(actorId, "observer");
  return s.cardViews(
    s
      .liveCards(and(gte(cards.dueAt, from), lt(cards.dueAt, to)))
      .orderBy(cards.dueAt, cards.id)
      .limit(1000)
      .all(),
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
  return s.db
    .select({
      id: cards.id,
      title: cards.title,
      description: cards.description,
      dueAt: cards.dueAt,
      updatedAt: cards.updatedAt,
      listName: lists.name,
    })
    .from(cards)
    .innerJoin(lists, eq(lists.id, cards.listId))
    .where(and(eq(cards.archived, false), eq(lists.archived, false), isNotNull(cards.dueAt)))
    .orderBy(cards.dueAt)
    .limit(1000)
    .all()
    .map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      dueAt: c.dueAt as number,
      updatedAt: c.updatedAt,
      listName: c.listName,
      boardId: board.id,
      boardName: board.name,
    }));
}
