import { ApiError, notFound } from "@edgeworks/http";
import { newCardId, newListId, newLocalId } from "../ids";
import { evenKeys } from "../positions";
import type { Role } from "../validation";
import type { Board, Member } from "../views";
import type { CardRow, ChecklistRow, ItemRow, ListRow, MemberRow } from "./board-schema";
import type { BoardStore } from "./board-store";

/** What a template keeps of a board: lists and cards with their text, labels and checklists. */
export interface BoardSnapshot {
  lists: {
    name: string;
    done: boolean;
    cards: { title: string; description: string | null; labels: string[]; checklists: { title: string; items: string[] }[] }[];
  }[];
}

export interface InitInput {
  id: string;
  name: string;
  ownerId: string;
  isTemplate: boolean;
  snapshot?: BoardSnapshot;
}

/** Creates the board (once), its first admin, and the template's lists and cards if any. */
export function initBoard(s: BoardStore, input: InitInput): Board {
  if (s.one("SELECT 1 FROM board")) throw new ApiError("conflict", "The board already exists");
  const now = s.now();
  s.sql.exec(
    "INSERT INTO board (id, name, is_template, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    input.id,
    input.name,
    input.isTemplate ? 1 : 0,
    input.ownerId,
    now,
    now,
  );
  s.sql.exec("INSERT INTO members (user_id, role, added_at) VALUES (?, 'admin', ?)", input.ownerId, now);
  const lists = input.snapshot?.lists ?? [];
  const listKeys = evenKeys(lists.length);
  lists.forEach((l, i) => {
    const listId = newListId(input.id);
    s.sql.exec(
      "INSERT INTO lists (id, name, pos, done, archived, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
      listId,
      l.name,
      listKeys[i],
      l.done ? 1 : 0,
      now,
      now,
    );
    const cardKeys = evenKeys(l.cards.length);
    l.cards.forEach((c, j) => {
      const cardId = newCardId(input.id);
      s.sql.exec(
        `INSERT INTO cards (id, list_id, pos, title, description, labels, assignees, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)`,
        cardId,
        listId,
        cardKeys[j],
        c.title,
        c.description,
        JSON.stringify(c.labels),
        input.ownerId,
        now,
        now,
      );
      for (const cl of c.checklists) {
        const checklistId = newLocalId();
        s.sql.exec("INSERT INTO checklists (id, card_id, title, created_at) VALUES (?, ?, ?, ?)", checklistId, cardId, cl.title, now);
        for (const text of cl.items) {
          s.sql.exec(
            "INSERT INTO checklist_items (id, checklist_id, card_id, text, done, created_at) VALUES (?, ?, ?, ?, 0, ?)",
            newLocalId(),
            checklistId,
            cardId,
            text,
            now,
          );
        }
      }
    });
  });
  s.emit(input.ownerId, "board.created", { detail: { name: input.name }, payload: { name: input.name, isTemplate: input.isTemplate } });
  return s.assemble("admin");
}

/** The board's live lists and cards, for a template (any member may take one). */
export function snapshotBoard(s: BoardStore, actorId: string): { name: string; snapshot: BoardSnapshot } {
  const { board } = s.requireRole(actorId, "observer");
  const lists = s.all<ListRow>("SELECT * FROM lists WHERE archived = 0 ORDER BY pos");
  const cards = s.all<CardRow>("SELECT * FROM cards WHERE archived = 0 ORDER BY pos");
  const checklists = s.all<ChecklistRow>("SELECT * FROM checklists ORDER BY created_at, rowid");
  const items = s.all<ItemRow>("SELECT * FROM checklist_items ORDER BY created_at, rowid");
  return {
    name: board.name,
    snapshot: {
      lists: lists.map((l) => ({
        name: l.name,
        done: l.done === 1,
        cards: cards
          .filter((c) => c.list_id === l.id)
          .map((c) => ({
            title: c.title,
            description: c.description,
            labels: JSON.parse(c.labels) as string[],
            checklists: checklists
              .filter((cl) => cl.card_id === c.id)
              .map((cl) => ({ title: cl.title, items: items.filter((i) => i.checklist_id === cl.id).map((i) => i.text) })),
          })),
      })),
    },
  };
}

export function renameBoard(s: BoardStore, actorId: string, name: string | undefined): void {
  s.requireRole(actorId, "admin");
  if (name === undefined) return;
  s.sql.exec("UPDATE board SET name = ?, updated_at = ?", name, s.now());
  s.emit(actorId, "board.updated", { detail: { fields: ["name"] }, payload: { name } });
}

/** Soft-deletes the board; returns nothing to keep (its attachments are deleted by the caller). */
export function deleteBoard(s: BoardStore, actorId: string): void {
  s.requireRole(actorId, "admin");
  s.emit(actorId, "board.deleted", { payload: {} });
  s.sql.exec("UPDATE board SET deleted_at = ?", s.now());
  s.sql.exec("DELETE FROM tickets");
}

const memberOrThrow = (s: BoardStore, userId: string): MemberRow => {
  const row = s.one<MemberRow>("SELECT * FROM members WHERE user_id = ?", userId);
  if (!row) throw notFound("Member");
  return row;
};

const admins = (s: BoardStore) => s.one<{ n: number }>("SELECT count(*) AS n FROM members WHERE role = 'admin'")?.n ?? 0;

export function addMember(s: BoardStore, actorId: string, userId: string, role: Role): Member {
  s.requireRole(actorId, "admin");
  if (s.roleOf(userId) !== null) throw new ApiError("conflict", "Already a member of this board");
  s.sql.exec("INSERT INTO members (user_id, role, added_at) VALUES (?, ?, ?)", userId, role, s.now());
  const member = memberOrThrow(s, userId);
  s.emit(actorId, "member.added", {
    detail: { userId, role },
    payload: { member: { userId, role, addedAt: new Date(member.added_at).toISOString() } },
  });
  return { userId, role, addedAt: new Date(member.added_at).toISOString() };
}

export function changeRole(s: BoardStore, actorId: string, userId: string, role: Role): Member {
  s.requireRole(actorId, "admin");
  const row = memberOrThrow(s, userId);
  if (row.role === "admin" && role !== "admin" && admins(s) === 1) throw new ApiError("conflict", "A board needs at least one admin");
  s.sql.exec("UPDATE members SET role = ? WHERE user_id = ?", role, userId);
  const member = { userId, role, addedAt: new Date(row.added_at).toISOString() };
  s.emit(actorId, "member.updated", { detail: { userId, role }, payload: { member } });
  return member;
}

/** Admins remove anyone; anyone may leave. The last admin cannot go (409). */
export function removeMember(s: BoardStore, actorId: string, userId: string): void {
  s.requireRole(actorId, actorId === userId ? "observer" : "admin");
  const row = memberOrThrow(s, userId);
  if (row.role === "admin" && admins(s) === 1) throw new ApiError("conflict", "A board needs at least one admin");
  s.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
  s.emit(actorId, "member.removed", { detail: { userId }, payload: { userId } });
  // someone who left is no longer assigned to anything here
  const assigned = s.all<{ id: string; assignees: string }>(
    "SELECT id, assignees FROM cards WHERE EXISTS (SELECT 1 FROM json_each(cards.assignees) WHERE value = ?)",
    userId,
  );
  for (const card of assigned) {
    const rest = (JSON.parse(card.assignees) as string[]).filter((a) => a !== userId);
    s.sql.exec("UPDATE cards SET assignees = ? WHERE id = ?", JSON.stringify(rest), card.id);
    s.touchCard(actorId, card.id, "card.updated", { fields: ["assignees"] });
  }
}
