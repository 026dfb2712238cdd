import { eq } from "drizzle-orm";
import { newListId } from "../ids";
import type { Placement } from "../positions";
import type { List } from "../views";
import { lists } from "./board.schema";
import type { BoardStore } from "./board-store";

// The board's lists: created, changed (name, done, archived) and moved, as functions over its store.

export function createList(s: BoardStore, actorId: string, input: { name: string; pos?: Placement; done?: boolean }): List {
  const boardId = s.requireRole(actorId, "member").board.id;
  const pos = s.placeAmong(s.listSequence(), input.pos ?? "bottom");
  const id = newListId(boardId);
  const now = s.now();
  s.db
    .insert(lists)
    .values({ id, name: input.name, pos, done: input.done ?? false, archived: false, createdAt: now, updatedAt: now })
    .run();
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
  s.db
    .update(lists)
    .set({ name: patch.name ?? row.name, done: patch.done ?? row.done, archived: patch.archived ?? row.archived, updatedAt: s.now() })
    .where(eq(lists.id, listId))
    .run();
  const list = s.list(listId);
  s.emit(actorId, "list.updated", { listId, detail: { fields }, payload: { list } });
  return list;
}

export function moveList(s: BoardStore, actorId: string, listId: string, placement: Placement): List {
  s.requireRole(actorId, "member");
  s.listRowOrThrow(listId);
  const pos = s.placeAmong(s.listSequence(listId), placement);
  s.db.update(lists).set({ pos, updatedAt: s.now() }).where(eq(lists.id, listId)).run();
  s.respaceIfLong(pos, "lists", null, actorId);
  const list = s.list(listId);
  s.emit(actorId, "list.moved", { listId, payload: { list } });
  return list;
}
