import { and, asc, desc, eq } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { boardMembers } from "./schema";
import type { Role } from "./validation";
import type { BoardSummary } from "./views";

// The cross-board index in D1 (board_members): each Board Durable Object mirrors its members here,
// so "my boards", the calendar feed and the cheap 404 for strangers never wake a Durable Object.

/** The drizzle database of this Worker. */
export type BoardsDb = DrizzleD1Database;

/** The drizzle database over the Worker's D1 binding. */
export const boardsDb = (d1: D1Database): BoardsDb => drizzle(d1);

/** "My boards" is bounded: the list has no pagination. */
export const MAX_LISTED_BOARDS = 1000;

/** True when `userId` is a member of the board. */
export async function isBoardMember(db: BoardsDb, boardId: string, userId: string): Promise<boolean> {
  const row = await db
    .select({ boardId: boardMembers.boardId })
    .from(boardMembers)
    .where(and(eq(boardMembers.boardId, boardId), eq(boardMembers.userId, userId)))
    .get();
  return row !== undefined;
}

/** True when the board has members in the index (a deleted board has none). */
export async function hasBoardMembers(db: BoardsDb, boardId: string): Promise<boolean> {
  const row = await db.select({ boardId: boardMembers.boardId }).from(boardMembers).where(eq(boardMembers.boardId, boardId)).limit(1).get();
  return row !== undefined;
}

/**
 * The boards of a user, newest first; `template` keeps only templates (true) or only boards (false).
 *
 * @example const items = await listBoards(db, userId, undefined);
 */
export async function listBoards(db: BoardsDb, userId: string, template: boolean | undefined): Promise<BoardSummary[]> {
  const rows = await db
    .select()
    .from(boardMembers)
    .where(and(eq(boardMembers.userId, userId), template === undefined ? undefined : eq(boardMembers.isTemplate, template)))
    .orderBy(desc(boardMembers.createdAt), asc(boardMembers.boardId))
    .limit(MAX_LISTED_BOARDS);
  return rows.map((r) => ({
    id: r.boardId,
    name: r.boardName,
    isTemplate: r.isTemplate,
    role: r.role,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

/** The non-template boards of a user, oldest first (the calendar feed reads each of them). */
export async function listFeedBoardIds(db: BoardsDb, userId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ boardId: boardMembers.boardId })
    .from(boardMembers)
    .where(and(eq(boardMembers.userId, userId), eq(boardMembers.isTemplate, false)))
    .orderBy(asc(boardMembers.createdAt))
    .limit(limit);
  return rows.map((r) => r.boardId);
}

/** What a board mirrors into the index. */
export interface BoardIndexEntry {
  id: string;
  name: string;
  isTemplate: boolean;
  createdAt: number;
  members: { userId: string; role: Role }[];
}

/**
 * Replaces a board's rows in the index with its members now (none once it is deleted), in one batch.
 *
 * @example await replaceBoardMembers(db, { id, name, isTemplate: false, createdAt, members });
 */
export async function replaceBoardMembers(db: BoardsDb, board: BoardIndexEntry): Promise<void> {
  await db.batch([
    db.delete(boardMembers).where(eq(boardMembers.boardId, board.id)),
    ...board.members.map((m) =>
      db.insert(boardMembers).values({
        boardId: board.id,
        userId: m.userId,
        role: m.role,
        boardName: board.name,
        isTemplate: board.isTemplate,
        createdAt: board.createdAt,
      }),
    ),
  ]);
}
