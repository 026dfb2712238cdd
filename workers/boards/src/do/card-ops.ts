import { ApiError } from "@edgeworks/http";
import { newCardId } from "../ids";
import type { Placement } from "../positions";
import type { CreateCardInput, MoveCardInput, UpdateCardInput } from "../validation";
import type { Card } from "../views";
import type { AttachmentRow } from "./board-schema";
import type { BoardStore } from "./board-store";
import { invalidField } from "./result";

// A card's own lifecycle (create, read, change, move, delete), as functions over the board's store
// (see BoardStore for why they are race-free).

export function createCard(s: BoardStore, actorId: string, listId: string, input: CreateCardInput): Card {
  const boardId = s.requireRole(actorId, "member").board.id;
  const list = s.listRowOrThrow(listId);
  if (list.archived === 1) throw new ApiError("conflict", "The list is archived");
  s.checkAssignees(input.assignees);
  const id = newCardId(boardId);
  const now = s.now();
  s.sql.exec(
    `INSERT INTO cards (id, list_id, pos, title, description, due_at, labels, assignees, archived, version, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)`,
    id,
    listId,
    `~${id}`, // parked until placed below, in the same synchronous call
    input.title,
    input.description ?? null,
    input.dueAt ?? null,
    JSON.stringify(input.labels ?? []),
    JSON.stringify(input.assignees ?? []),
    actorId,
    now,
    now,
  );
  s.placeCard(actorId, id, listId, input.pos ?? "bottom");
  const card = s.card(id);
  s.emit(actorId, "card.created", { listId, cardId: id, detail: { title: card.title }, payload: { card } });
  return card;
}

export function getCard(s: BoardStore, actorId: string, cardId: string): Card {
  s.requireRole(actorId, "observer");
  return s.card(cardId);
}

export function updateCard(s: BoardStore, actorId: string, cardId: string, patch: UpdateCardInput, ifMatch?: string): Card {
  s.requireRole(actorId, "member");
  const row = s.cardRowOrThrow(cardId);
  s.checkVersion(row, ifMatch);
  const fields = Object.keys(patch);
  if (fields.length === 0) return s.card(cardId);
  s.checkAssignees(patch.assignees);
  s.sql.exec(
    "UPDATE cards SET title = ?, description = ?, due_at = ?, labels = ?, assignees = ?, archived = ? WHERE id = ?",
    patch.title ?? row.title,
    patch.description === undefined ? row.description : patch.description,
    patch.dueAt === undefined ? row.due_at : patch.dueAt,
    patch.labels === undefined ? row.labels : JSON.stringify(patch.labels),
    patch.assignees === undefined ? row.assignees : JSON.stringify(patch.assignees),
    patch.archived === undefined ? row.archived : patch.archived ? 1 : 0,
    cardId,
  );
  return s.touchCard(actorId, cardId, "card.updated", { fields });
}

/**
 * Moves a card to a position in a list (the same or another) in one step. Into a done list only if
 * nothing unfinished blocks it (409).
 */
export function moveCard(s: BoardStore, actorId: string, cardId: string, input: MoveCardInput, ifMatch?: string): Card {
  s.requireRole(actorId, "member");
  const row = s.cardRowOrThrow(cardId);
  s.checkVersion(row, ifMatch);
  const target = s.one<{ id: string; done: number; archived: number }>("SELECT id, done, archived FROM lists WHERE id = ?", input.listId);
  if (!target) throw invalidField("listId", "No such list on this board");
  if (target.archived === 1) throw new ApiError("conflict", "The target list is archived");
  if (target.done === 1 && s.isBlocked(cardId)) {
    throw new ApiError("conflict", "The card is blocked by an unfinished card and cannot enter a done list");
  }
  s.placeCard(actorId, cardId, input.listId, (input.pos ?? "bottom") as Placement);
  return s.touchCard(actorId, cardId, "card.moved", { fromListId: row.list_id, toListId: input.listId });
}

/** Deletes a card and what hangs off it; returns the attachment keys to delete from R2. */
export function deleteCard(s: BoardStore, actorId: string, cardId: string, ifMatch?: string): string[] {
  s.requireRole(actorId, "member");
  const row = s.cardRowOrThrow(cardId);
  s.checkVersion(row, ifMatch);
  const keys = s.all<AttachmentRow>("SELECT r2_key FROM attachments WHERE card_id = ?", cardId).map((a) => a.r2_key);
  const dependents = s.all<{ card_id: string }>("SELECT card_id FROM dependencies WHERE blocker_id = ?", cardId);
  const blockers = s.all<{ blocker_id: string }>("SELECT blocker_id FROM dependencies WHERE card_id = ?", cardId);
  for (const table of [
    "cards WHERE id",
    "checklists WHERE card_id",
    "checklist_items WHERE card_id",
    "comments WHERE card_id",
    "attachments WHERE card_id",
  ]) {
    s.sql.exec(`DELETE FROM ${table} = ?`, cardId);
  }
  s.sql.exec("DELETE FROM dependencies WHERE card_id = ? OR blocker_id = ?", cardId, cardId);
  s.emit(actorId, "card.deleted", { listId: row.list_id, cardId, detail: { title: row.title }, payload: { cardId, listId: row.list_id } });
  for (const d of dependents) s.touchCard(actorId, d.card_id, "card.dependency_removed", { blockerId: cardId });
  for (const b of blockers) s.touchCard(actorId, b.blocker_id, "card.dependency_removed", { blockedCardId: cardId });
  return keys;
}
