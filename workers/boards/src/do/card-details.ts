import { ApiError, notFound } from "@edgeworks/http";
import { and, eq, sql } from "drizzle-orm";
import { newLocalId } from "../ids";
import type { DependencyInput } from "../validation";
import type { Card } from "../views";
import {
  type AttachmentRow,
  attachments,
  type ChecklistRow,
  type CommentRow,
  cards,
  checklistItems,
  checklists,
  comments,
  dependencies,
  lists,
} from "./board.schema";
import type { BoardStore } from "./board-store";
import { invalidField } from "./result";

// What hangs off a card: checklists, comments, dependencies and attachment metadata. Every change
// bumps the card's version and emits an event carrying the card's new state.

export function addChecklist(s: BoardStore, actorId: string, cardId: string, input: { title: string; items?: string[] }): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const id = newLocalId();
  const now = s.now();
  s.db.insert(checklists).values({ id, cardId, title: input.title, createdAt: now }).run();
  for (const text of input.items ?? []) {
    s.db.insert(checklistItems).values({ id: newLocalId(), checklistId: id, cardId, text, done: false, createdAt: now }).run();
  }
  return s.touchCard(actorId, cardId, "card.checklist_added", { checklistId: id, title: input.title });
}

function checklistOrThrow(s: BoardStore, cardId: string, checklistId: string): ChecklistRow {
  const row = s.db
    .select()
    .from(checklists)
    .where(and(eq(checklists.id, checklistId), eq(checklists.cardId, cardId)))
    .get();
  if (!row) throw notFound("Checklist");
  return row;
}

export function deleteChecklist(s: BoardStore, actorId: string, cardId: string, checklistId: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  checklistOrThrow(s, cardId, checklistId);
  s.db.delete(checklistItems).where(eq(checklistItems.checklistId, checklistId)).run();
  s.db.delete(checklists).where(eq(checklists.id, checklistId)).run();
  return s.touchCard(actorId, cardId, "card.checklist_removed", { checklistId });
}

export function addChecklistItem(s: BoardStore, actorId: string, cardId: string, checklistId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  checklistOrThrow(s, cardId, checklistId);
  const id = newLocalId();
  s.db.insert(checklistItems).values({ id, checklistId, cardId, text, done: false, createdAt: s.now() }).run();
  return s.touchCard(actorId, cardId, "card.checklist_item_added", { checklistId, itemId: id });
}

export function updateChecklistItem(
  s: BoardStore,
  actorId: string,
  cardId: string,
  ids: { checklistId: string; itemId: string },
  patch: { text?: string; done?: boolean },
): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const item = s.db
    .select()
    .from(checklistItems)
    .where(and(eq(checklistItems.id, ids.itemId), eq(checklistItems.checklistId, ids.checklistId), eq(checklistItems.cardId, cardId)))
    .get();
  if (!item) throw notFound("Checklist item");
  if (Object.keys(patch).length === 0) return s.card(cardId);
  const done = patch.done ?? item.done;
  s.db
    .update(checklistItems)
    .set({ text: patch.text ?? item.text, done })
    .where(eq(checklistItems.id, item.id))
    .run();
  return s.touchCard(actorId, cardId, "card.checklist_item_updated", { ...ids, done });
}

export function addComment(s: BoardStore, actorId: string, cardId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const id = newLocalId();
  s.db.insert(comments).values({ id, cardId, authorId: actorId, text, createdAt: s.now() }).run();
  return s.touchCard(actorId, cardId, "card.commented", { commentId: id });
}

function commentOrThrow(s: BoardStore, cardId: string, commentId: string): CommentRow {
  const row = s.db
    .select()
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.cardId, cardId)))
    .get();
  if (!row) throw notFound("Comment");
  return row;
}

/** Only the author edits a comment (403 for anyone else, admins included: words are not put in mouths). */
export function editComment(s: BoardStore, actorId: string, cardId: string, commentId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (commentOrThrow(s, cardId, commentId).authorId !== actorId) throw new ApiError("forbidden", "Only its author may edit a comment");
  s.db.update(comments).set({ text, editedAt: s.now() }).where(eq(comments.id, commentId)).run();
  return s.touchCard(actorId, cardId, "card.comment_edited", { commentId });
}

/** The author or a board admin deletes a comment. */
export function deleteComment(s: BoardStore, actorId: string, cardId: string, commentId: string): Card {
  const { role } = s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (commentOrThrow(s, cardId, commentId).authorId !== actorId && role !== "admin") {
    throw new ApiError("forbidden", "Only its author or a board admin may delete a comment");
  }
  s.db.delete(comments).where(eq(comments.id, commentId)).run();
  return s.touchCard(actorId, cardId, "card.comment_deleted", { commentId });
}

const dependencyIs = (cardId: string, blockerId: string) => and(eq(dependencies.cardId, cardId), eq(dependencies.blockerId, blockerId));

/** The dependency "`blockerId` blocks `cardId`", if there is one. */
const dependency = (s: BoardStore, cardId: string, blockerId: string) =>
  s.db.select().from(dependencies).where(dependencyIs(cardId, blockerId)).get();

/**
 * Adds a dependency of the card in the path: `{blockedBy: X}` (X blocks it) or `{blocks: Y}` (it blocks
 * Y). Same board only (422), no self-block, no duplicate or cycle (409); returns the path's card.
 */
export function addDependency(s: BoardStore, actorId: string, cardId: string, input: DependencyInput): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const field = input.blockedBy !== undefined ? "blockedBy" : "blocks";
  const otherId = (input.blockedBy ?? input.blocks) as string;
  const [blockedId, blockerId] = field === "blockedBy" ? [cardId, otherId] : [otherId, cardId];
  if (otherId === cardId) throw invalidField(field, "A card cannot block itself");
  if (!s.db.select({ id: cards.id }).from(cards).where(eq(cards.id, otherId)).get()) {
    throw invalidField(field, "No such card on this board");
  }
  if (dependency(s, blockedId, blockerId)) {
    throw new ApiError("conflict", "That dependency already exists");
  }
  // everything upstream of the blocker, transitively: a recursive CTE the builder cannot express
  const cycle = s.exists(
    sql`WITH RECURSIVE up(id) AS (SELECT blocker_id FROM dependencies WHERE card_id = ${blockerId}
          UNION SELECT d.blocker_id FROM dependencies d JOIN up ON d.card_id = up.id)
        SELECT 1 FROM up WHERE id = ${blockedId} LIMIT 1`,
  );
  if (cycle) throw new ApiError("conflict", "That dependency would make a cycle");
  const doneList = (id: string) =>
    s.db.select({ done: lists.done }).from(cards).innerJoin(lists, eq(lists.id, cards.listId)).where(eq(cards.id, id)).get()?.done === true;
  if (doneList(blockedId) && !doneList(blockerId)) {
    throw new ApiError("conflict", "The blocked card is in a done list: an unfinished card cannot block it");
  }
  s.db.insert(dependencies).values({ cardId: blockedId, blockerId }).run();
  const blocker = s.touchCard(actorId, blockerId, "card.dependency_added", { blockedCardId: blockedId });
  const blocked = s.touchCard(actorId, blockedId, "card.dependency_added", { blockerId });
  return cardId === blockedId ? blocked : blocker;
}

export function removeDependency(s: BoardStore, actorId: string, cardId: string, blockerId: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (!dependency(s, cardId, blockerId)) throw notFound("Dependency");
  s.db.delete(dependencies).where(dependencyIs(cardId, blockerId)).run();
  s.touchCard(actorId, blockerId, "card.dependency_removed", { blockedCardId: cardId });
  return s.touchCard(actorId, cardId, "card.dependency_removed", { blockerId });
}

export function addAttachment(
  s: BoardStore,
  actorId: string,
  cardId: string,
  a: Omit<AttachmentRow, "cardId" | "createdBy" | "createdAt">,
): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  s.db
    .insert(attachments)
    .values({ ...a, cardId, createdBy: actorId, createdAt: s.now() })
    .run();
  return s.touchCard(actorId, cardId, "card.attachment_added", { attachmentId: a.id, filename: a.filename });
}

export function attachmentOrThrow(s: BoardStore, cardId: string, attachmentId: string): AttachmentRow {
  s.cardRowOrThrow(cardId);
  const row = s.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.cardId, cardId)))
    .get();
  if (!row) throw notFound("Attachment");
  return row;
}

export function removeAttachment(s: BoardStore, actorId: string, cardId: string, attachmentId: string): string {
  s.requireRole(actorId, "member");
  const row = attachmentOrThrow(s, cardId, attachmentId);
  s.db.delete(attachments).where(eq(attachments.id, attachmentId)).run();
  s.touchCard(actorId, cardId, "card.attachment_removed", { attachmentId });
  return row.r2Key;
}
