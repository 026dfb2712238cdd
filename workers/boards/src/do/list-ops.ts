import { newListId } from "../ids";
import type { Placement } from "../positions";
import type { List } from "../views";
import type { BoardStore } from "./board-store";

// The board's lists: created, changed (name, done, archived) and moved, as functions over its store.

export function createList(s: BoardStore, actorId: string, input: { name: string; pos?: Placement; done?: boolean }): List {
  const boardId = s.requireRole(actorId, "member").board.id;
  const pos = s.placeAmong(s.listSequence(), input.pos ?? "bottom");
  const id = newListId(boardId);
  const now = s.now();
  s.sql.exec(
    "INSERT INTO lists (id, name, pos, done, archived, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
    id,
    input.name,
    pos,
    input.done ? 1 : 0,
    now,
    now,
  );
  s.respaceIfLong(pos, "lists", null, actorId);
  const list = s.list(id);
  s.emit(actorId, "list.created", { listId: id, detail: { name: list.name }, payload: { list } });
  return list;
}

export function updateList(
  s: BoardStore,
  actorId: string,
  listId: string,
  patch: { name?: string; done?: boolean; archived?: boolean },
): List {
  s.requireRole(actorId, "member");
  const row = s.listRowOrThrow(listId);
  const fields = Object.keys(patch);
  if (fields.length === 0) return s.list(listId);
  s.sql.exec(
    "UPDATE lists SET name = ?, done = ?, archived = ?, updated_at = ? WHERE id = ?",
    patch.name ?? row.name,
    patch.done === undefined ? row.done : patch.done ? 1 : 0,
    patch.archived === undefined ? row.archived : patch.archived ? 1 : 0,
    s.now(),
    listId,
  );
  const list = s.list(listId);
  s.emit(actorId, "list.updated", { listId, detail: { fields }, payload: { list } });
  return list;
}

export function moveList(s: BoardStore, actorId: string, listId: string, placement: Placement): List {
  s.requireRole(actorId, "member");
  s.listRowOrThrow(listId);
  const pos = s.placeAmong(s.listSequence(listId), placement);
  s.sql.exec("UPDATE lists SET pos = ?, updated_at = ? WHERE id = ?", pos, s.now(), listId);
  s.respaceIfLong(pos, "lists", null, actorId);
  const list = s.list(listId);
  s.emit(actorId, "list.moved", { listId, payload: { list } });
  return list;
}
