import { ApiError, notFound } from "@edgeworks/http";
import { newLocalId } from "../ids";
import type { DependencyInput } from "../validation";
import type { Card } from "../views";
import type { AttachmentRow, ChecklistRow, CommentRow, ItemRow } from "./board-schema";
import type { BoardStore } from "./board-store";
import { invalidField } from "./result";

// What hangs off a card: checklists, comments, dependencies and attachment metadata. Every change
// bumps the card's version and emits an event carrying the card's new state.

export function addChecklist(s: BoardStore, actorId: string, cardId: string, input: { title: string; items?: string[] }): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const id = newLocalId();
  const now = s.now();
  s.sql.exec("INSERT INTO checklists (id, card_id, title, created_at) VALUES (?, ?, ?, ?)", id, cardId, input.title, now);
  for (const text of input.items ?? []) {
    s.sql.exec(
      "INSERT INTO checklist_items (id, checklist_id, card_id, text, done, created_at) VALUES (?, ?, ?, ?, 0, ?)",
      newLocalId(),
      id,
      cardId,
      text,
      now,
    );
  }
  return s.touchCard(actorId, cardId, "card.checklist_added", { checklistId: id, title: input.title });
}

function checklistOrThrow(s: BoardStore, cardId: string, checklistId: string): ChecklistRow {
  const row = s.one<ChecklistRow>("SELECT * FROM checklists WHERE id = ? AND card_id = ?", checklistId, cardId);
  if (!row) throw notFound("Checklist");
  return row;
}

export function deleteChecklist(s: BoardStore, actorId: string, cardId: string, checklistId: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  checklistOrThrow(s, cardId, checklistId);
  s.sql.exec("DELETE FROM checklist_items WHERE checklist_id = ?", checklistId);
  s.sql.exec("DELETE FROM checklists WHERE id = ?", checklistId);
  return s.touchCard(actorId, cardId, "card.checklist_removed", { checklistId });
}

export function addChecklistItem(s: BoardStore, actorId: string, cardId: string, checklistId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  checklistOrThrow(s, cardId, checklistId);
  const id = newLocalId();
  s.sql.exec(
    "INSERT INTO checklist_items (id, checklist_id, card_id, text, done, created_at) VALUES (?, ?, ?, ?, 0, ?)",
    id,
    checklistId,
    cardId,
    text,
    s.now(),
  );
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
  const item = s.one<ItemRow>(
    "SELECT * FROM checklist_items WHERE id = ? AND checklist_id = ? AND card_id = ?",
    ids.itemId,
    ids.checklistId,
    cardId,
  );
  if (!item) throw notFound("Checklist item");
  if (Object.keys(patch).length === 0) return s.card(cardId);
  const done = patch.done === undefined ? item.done : patch.done ? 1 : 0;
  s.sql.exec("UPDATE checklist_items SET text = ?, done = ? WHERE id = ?", patch.text ?? item.text, done, item.id);
  return s.touchCard(actorId, cardId, "card.checklist_item_updated", { ...ids, done: done === 1 });
}

export function addComment(s: BoardStore, actorId: string, cardId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const id = newLocalId();
  s.sql.exec("INSERT INTO comments (id, card_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?)", id, cardId, actorId, text, s.now());
  return s.touchCard(actorId, cardId, "card.commented", { commentId: id });
}

function commentOrThrow(s: BoardStore, cardId: string, commentId: string): CommentRow {
  const row = s.one<CommentRow>("SELECT * FROM comments WHERE id = ? AND card_id = ?", commentId, cardId);
  if (!row) throw notFound("Comment");
  return row;
}

/** Only the author edits a comment (403 for anyone else, admins included: words are not put in mouths). */
export function editComment(s: BoardStore, actorId: string, cardId: string, commentId: string, text: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (commentOrThrow(s, cardId, commentId).author_id !== actorId) throw new ApiError("forbidden", "Only its author may edit a comment");
  s.sql.exec("UPDATE comments SET text = ?, edited_at = ? WHERE id = ?", text, s.now(), commentId);
  return s.touchCard(actorId, cardId, "card.comment_edited", { commentId });
}

/** The author or a board admin deletes a comment. */
export function deleteComment(s: BoardStore, actorId: string, cardId: string, commentId: string): Card {
  const { role } = s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (commentOrThrow(s, cardId, commentId).author_id !== actorId && role !== "admin") {
    throw new ApiError("forbidden", "Only its author or a board admin may delete a comment");
  }
  s.sql.exec("DELETE FROM comments WHERE id = ?", commentId);
  return s.touchCard(actorId, cardId, "card.comment_deleted", { commentId });
}

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
  if (!s.one("SELECT 1 FROM cards WHERE id = ?", otherId)) throw invalidField(field, "No such card on this board");
  if (s.one("SELECT 1 FROM dependencies WHERE card_id = ? AND blocker_id = ?", blockedId, blockerId)) {
    throw new ApiError("conflict", "That dependency already exists");
  }
  const cycle = s.one(
    `WITH RECURSIVE up(id) AS (SELECT blocker_id FROM dependencies WHERE card_id = ?
       UNION SELECT d.blocker_id FROM dependencies d JOIN up ON d.card_id = up.id)
     SELECT 1 FROM up WHERE id = ? LIMIT 1`,
    blockerId,
    blockedId,
  );
  if (cycle) throw new ApiError("conflict", "That dependency would make a cycle");
  const doneList = (id: string) =>
    s.one<{ done: number }>("SELECT l.done FROM cards c JOIN lists l ON l.id = c.list_id WHERE c.id = ?", id)?.done === 1;
  if (doneList(blockedId) && !doneList(blockerId)) {
    throw new ApiError("conflict", "The blocked card is in a done list: an unfinished card cannot block it");
  }
  s.sql.exec("INSERT INTO dependencies (card_id, blocker_id) VALUES (?, ?)", blockedId, blockerId);
  const blocker = s.touchCard(actorId, blockerId, "card.dependency_added", { blockedCardId: blockedId });
  const blocked = s.touchCard(actorId, blockedId, "card.dependency_added", { blockerId });
  return cardId === blockedId ? blocked : blocker;
}

export function removeDependency(s: BoardStore, actorId: string, cardId: string, blockerId: string): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  if (!s.one("SELECT 1 FROM dependencies WHERE card_id = ? AND blocker_id = ?", cardId, blockerId)) throw notFound("Dependency");
  s.sql.exec("DELETE FROM dependencies WHERE card_id = ? AND blocker_id = ?", cardId, blockerId);
  s.touchCard(actorId, blockerId, "card.dependency_removed", { blockedCardId: cardId });
  return s.touchCard(actorId, cardId, "card.dependency_removed", { blockerId });
}

export function addAttachment(
  s: BoardStore,
  actorId: string,
  cardId: string,
  a: Omit<AttachmentRow, "card_id" | "created_by" | "created_at">,
): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  s.sql.exec(
    "INSERT INTO attachments (id, card_id, filename, content_type, size, r2_key, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    a.id,
    cardId,
    a.filename,
    a.content_type,
    a.size,
    a.r2_key,
    actorId,
    s.now(),
  );
  return s.touchCard(actorId, cardId, "card.attachment_added", { attachmentId: a.id, filename: a.filename });
}

export function attachmentOrThrow(s: BoardStore, cardId: string, attachmentId: string): AttachmentRow {
  s.cardRowOrThrow(cardId);
  const row = s.one<AttachmentRow>("SELECT * FROM attachments WHERE id = ? AND card_id = ?", attachmentId, cardId);
  if (!row) throw notFound("Attachment");
  return row;
}

export function removeAttachment(s: BoardStore, actorId: string, cardId: string, attachmentId: string): string {
  s.requireRole(actorId, "member");
  const row = attachmentOrThrow(s, cardId, attachmentId);
  s.sql.exec("DELETE FROM attachments WHERE id = ?", attachmentId);
  s.touchCard(actorId, cardId, "card.attachment_removed", { attachmentId });
  return row.r2_key;
}
