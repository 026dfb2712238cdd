import { notFound } from "@edgeworks/http";
import { boardsDb, hasBoardMembers, isBoardMember } from "./board-index";
import { boardOf, isBoardId } from "./ids";

/** The Durable Object of a board. */
export const boardStub = (env: Env, boardId: string) => env.BOARD.get(env.BOARD.idFromName(boardId));

/** True when the user is a member of the board, per the D1 index the board keeps in sync. */
export async function isMember(env: Env, boardId: string, userId: string): Promise<boolean> {
  return isBoardMember(boardsDb(env.DB), boardId, userId);
}

/** True when the board exists (has members in the D1 index); made-up ids are answered without a query. */
export async function boardExists(env: Env, boardId: string): Promise<boolean> {
  if (!isBoardId(boardId)) return false;
  return hasBoardMembers(boardsDb(env.DB), boardId);
}

/**
 * The board's Durable Object for a member, or 404: strangers (and made-up ids) are answered from the
 * D1 index without waking, or creating, a Durable Object. The board itself checks the role again.
 */
export async function boardForMember(env: Env, boardId: string, userId: string, what = "Board") {
  if (!isBoardId(boardId) || !(await isMember(env, boardId, userId))) throw notFound(what);
  return boardStub(env, boardId);
}

/** The board of a list or card id, for a member, or 404 naming the list or card. */
export async function boardOfChild(env: Env, kind: "list" | "card", id: string, userId: string) {
  const boardId = boardOf(id, kind);
  if (boardId === null) throw notFound(kind === "list" ? "List" : "Card");
  return { boardId, board: await boardForMember(env, boardId, userId, kind === "list" ? "List" : "Card") };
}
