import { ApiError, notFound } from "@edgeworks/http";
import { newCardId, newLocalId } from "../ids";
import type { Placement } from "../positions";
import type { CreateCardInput, MoveCardInput, SearchQuery, UpdateCardInput } from "../validation";
import type { Card } from "../views";
import type { AttachmentRow, CardRow, ChecklistRow, ItemRow } from "./board-schema";
import type { BoardStore } from "./board-store";
import { invalidField } from "./result";

// Card operations of a board, as functions over its store (see BoardStore for why they are race-free).

export function createCard(s: BoardStore, actorId: string, listId: string, input: CreateCardInput): Card {
  const boardId = s.requireRole(actorId, "member").board.id;
  const list = s.listRowOrThrow(listId);
  if (list.archived === 1) throw new ApiError("conflict", "The list is archived");
  s.checkAssignees(input.assignees);
  const id = newCardId(boardId);
  const now = Date.now();
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

export function addChecklist(s: BoardStore, actorId: string, cardId: string, input: { title: string; items?: string[] }): Card {
  s.requireRole(actorId, "member");
  s.cardRowOrThrow(cardId);
  const id = newLocalId();
  const now = Date.now();
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
    Date.now(),
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
  s.sql.exec(
    "INSERT INTO comments (id, card_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
    id,
    cardId,
    actorId,
    text,
    Date.now(),
  );
  return s.touchCard(actorId, cardId, "card.commented", { commentId: id });
}

/** Blocks `cardId` by `blockerId` (same board; no self-block, no cycle). */
export function addDependency(s: BoardStore, actorId: string, cardId: string, blockerId: string): Card {
  s.requireRole(actorId, "member");
  const card = s.cardRowOrThrow(cardId);
  if (blockerId === cardId) throw invalidField("blockedBy", "A card cannot block itself");
  if (!s.one("SELECT 1 FROM cards WHERE id = ?", blockerId)) throw invalidField("blockedBy", "No such card on this board");
  if (s.one("SELECT 1 FROM dependencies WHERE card_id = ? AND blocker_id = ?", cardId, blockerId)) {
    throw new ApiError("conflict", "That dependency already exists");
  }
  const cycle = s.one(
    `WITH RECURSIVE up(id) AS (SELECT blocker_id FROM dependencies WHERE card_id = ?
       UNION SELECT d.blocker_id FROM dependencies d JOIN up ON d.card_id = up.id)
     SELECT 1 FROM up WHERE id = ? LIMIT 1`,
    blockerId,
    cardId,
  );
  if (cycle) throw new ApiError("conflict", "That dependency would make a cycle");
  const doneList = (listId: string) => s.one<{ done: number }>("SELECT done FROM lists WHERE id = ?", listId)?.done === 1;
  if (doneList(card.list_id) && !doneList(s.cardRowOrThrow(blockerId).list_id)) {
    throw new ApiError("conflict", "The card is in a done list: an unfinished card cannot block it");
  }
  s.sql.exec("INSERT INTO dependencies (card_id, blocker_id) VALUES (?, ?)", cardId, blockerId);
  s.touchCard(actorId, blockerId, "card.dependency_added", { blockedCardId: cardId });
  return s.touchCard(actorId, cardId, "card.dependency_added", { blockerId });
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
    Date.now(),
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
  if (q.due !== undefined) addDueFilter(q.due, Date.now(), add);
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
