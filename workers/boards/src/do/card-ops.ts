import { ApiError } from "@edgeworks/http";
import { eq, or } from "drizzle-orm";
import { newCardId } from "../ids";
import type { Placement } from "../positions";
import type { CreateCardInput, MoveCardInput, UpdateCardInput } from "../validation";
import type { Card } from "../views";
import { attachments, cards, checklistItems, checklists, comments, dependencies, lists } from "./board.schema";
import type { BoardStore } from "./board-store";
import { invalidField } from "./result";

// A card's own lifecycle (create, read, change, move, delete), as functions over the board's store
// (see BoardStore for why they are race-free).

export function createCard(s: BoardStore, actorId: string, listId: string, input: CreateCardInput): Card {
  const boardId = s.requireRole(actorId, "member").board.id;
  const list = s.listRowOrThrow(listId);
  if (list.archived) throw new ApiError("conflict", "The list is archived");
  s.checkAssignees(input.assignees);
  const id = newCardId(boardId);
  const now = s.now();
  s.db
    .insert(cards)
    .values({
      id,
      listId,
      pos: `~${id}`, // parked until placed below, in the same synchronous call
      title: input.title,
      description: input.description ?? null,
      dueAt: input.dueAt ?? null,
      labels: input.labels ?? [],
      assignees: input.assignees ?? [],
      archived: false,
      version: 1,
      createdBy: actorId,
      createdAt: now,
      updatedAt: now,
    })
    .run();
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
  s.db
    .update(cards)
    .set({
      title: patch.title ?? row.title,
      description: patch.description === undefined ? row.description : patch.description,
      dueAt: patch.dueAt === undefined ? row.dueAt : patch.dueAt,
      labels: patch.labels ?? row.labels,
      assignees: patch.assignees ?? row.assignees,
      archived: patch.archived ?? row.archived,
    })
    .where(eq(cards.id, cardId))
    .run();
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
  const target = s.db
    .select({ id: lists.id, done: lists.done, archived: lists.archived })
    .from(lists)
    .where(eq(lists.id, input.listId))
    .get();
  if (!target) throw invalidField("listId", "No such list on this board");
  if (target.archived) throw new ApiError("conflict", "The target list is archived");
  if (target.done && s.isBlocked(cardId)) {
    throw new ApiError("conflict", "The card is blocked by an unfinished card and cannot enter a done list");
  }
  s.placeCard(actorId, cardId, input.listId, (input.pos ?? "bottom") as Placement);
  return s.touchCard(actorId, cardId, "card.moved", { fromListId: row.listId, toListId: input.listId });
}

/** Deletes a card and what hangs off it; returns the attachment keys to delete from R2. */
export function deleteCard(s: BoardStore, actorId: string, cardId: string, ifMatch?: string): string[] {
  s.requireRole(actorId, "member");
  const row = s.cardRowOrThrow(cardId);
  s.checkVersion(row, ifMatch);
  const { db } = s;
  const keys = db
    .select({ r2Key: attachments.r2Key })
    .from(attachments)
    .where(eq(attachments.cardId, cardId))
    .all()
    .map((a) => a.r2Key);
  const dependents = db.select({ cardId: dependencies.cardId }).from(dependencies).where(eq(dependencies.blockerId, cardId)).all();
  const blockers = db.select({ blockerId: dependencies.blockerId }).from(dependencies).where(eq(dependencies.cardId, cardId)).all();
  db.delete(cards).where(eq(cards.id, cardId)).run();
  db.delete(checklists).where(eq(checklists.cardId, cardId)).run();
  db.delete(checklistItems).where(eq(checklistItems.cardId, cardId)).run();
  db.delete(comments).where(eq(comments.cardId, cardId)).run();
  db.delete(attachments).where(eq(attachments.cardId, cardId)).run();
  db.delete(dependencies)
    .where(or(eq(dependencies.cardId, cardId), eq(dependencies.blockerId, cardId)))
    .run();
  s.emit(actorId, "card.deleted", { listId: row.listId, cardId, detail: { title: row.title }, payload: { cardId, listId: row.listId } });
  for (const d of dependents) s.touchCard(actorId, d.cardId, "card.dependency_removed", { blockerId: cardId });
  for (const b of blockers) s.touchCard(actorId, b.blockerId, "card.dependency_removed", { blockedCardId: cardId });
  return keys;
}
