import { ApiError, notFound } from "@edgeworks/http";
import { count, eq, sql } from "drizzle-orm";
import { newCardId, newListId, newLocalId } from "../ids";
import { evenKeys } from "../positions";
import type { Role } from "../validation";
import type { Board, Member } from "../views";
import { boardTable, cards, checklistItems, checklists, lists, type MemberRow, members, tickets } from "./board.schema";
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
  if (s.db.select({ id: boardTable.id }).from(boardTable).get()) throw new ApiError("conflict", "The board already exists");
  const now = s.now();
  const { db } = s;
  db.insert(boardTable)
    .values({ id: input.id, name: input.name, isTemplate: input.isTemplate, createdBy: input.ownerId, createdAt: now, updatedAt: now })
    .run();
  db.insert(members).values({ userId: input.ownerId, role: "admin", addedAt: now }).run();
  const snapshotLists = input.snapshot?.lists ?? [];
  const listKeys = evenKeys(snapshotLists.length);
  snapshotLists.forEach((l, i) => {
    const listId = newListId(input.id);
    db.insert(lists)
      .values({ id: listId, name: l.name, pos: listKeys[i] as string, done: l.done, archived: false, createdAt: now, updatedAt: now })
      .run();
    const cardKeys = evenKeys(l.cards.length);
    l.cards.forEach((c, j) => {
      const cardId = newCardId(input.id);
      db.insert(cards)
        .values({
          id: cardId,
          listId,
          pos: cardKeys[j] as string,
          title: c.title,
          description: c.description,
          labels: c.labels,
          assignees: [],
          createdBy: input.ownerId,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      for (const cl of c.checklists) {
        const checklistId = newLocalId();
        db.insert(checklists).values({ id: checklistId, cardId, title: cl.title, createdAt: now }).run();
        for (const text of cl.items) {
          db.insert(checklistItems).values({ id: newLocalId(), checklistId, cardId, text, done: false, createdAt: now }).run();
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
  const rowid = sql`rowid`;
  const listRows = s.db.select().from(lists).where(eq(lists.archived, false)).orderBy(lists.pos).all();
  const cardRows = s.db.select().from(cards).where(eq(cards.archived, false)).orderBy(cards.pos).all();
  const checklistRows = s.db.select().from(checklists).orderBy(checklists.createdAt, rowid).all();
  const items = s.db.select().from(checklistItems).orderBy(checklistItems.createdAt, rowid).all();
  return {
    name: board.name,
    snapshot: {
      lists: listRows.map((l) => ({
        name: l.name,
        done: l.done,
        cards: cardRows
          .filter((c) => c.listId === l.id)
          .map((c) => ({
            title: c.title,
            description: c.description,
            labels: c.labels,
            checklists: checklistRows
              .filter((cl) => cl.cardId === c.id)
              .map((cl) => ({ title: cl.title, items: items.filter((i) => i.checklistId === cl.id).map((i) => i.text) })),
          })),
      })),
    },
  };
}

export function renameBoard(s: BoardStore, actorId: string, name: string | undefined): void {
  s.requireRole(actorId, "admin");
  if (name === undefined) return;
  s.db.update(boardTable).set({ name, updatedAt: s.now() }).run();
  s.emit(actorId, "board.updated", { detail: { fields: ["name"] }, payload: { name } });
}

/** Soft-deletes the board; returns nothing to keep (its attachments are deleted by the caller). */
export function deleteBoard(s: BoardStore, actorId: string): void {
  s.requireRole(actorId, "admin");
  s.emit(actorId, "board.deleted", { payload: {} });
  s.db.update(boardTable).set({ deletedAt: s.now() }).run();
  s.db.delete(tickets).run();
}

const memberOrThrow = (s: BoardStore, userId: string): MemberRow => {
  const row = s.db.select().from(members).where(eq(members.userId, userId)).get();
  if (!row) throw notFound("Member");
  return row;
};

const admins = (s: BoardStore) => s.db.select({ n: count() }).from(members).where(eq(members.role, "admin")).get()?.n ?? 0;

export function addMember(s: BoardStore, actorId: string, userId: string, role: Role): Member {
  s.requireRole(actorId, "admin");
  if (s.roleOf(userId) !== null) throw new ApiError("conflict", "Already a member of this board");
  s.db.insert(members).values({ userId, role, addedAt: s.now() }).run();
  const member = memberOrThrow(s, userId);
  s.emit(actorId, "member.added", {
    detail: { userId, role },
    payload: { member: { userId, role, addedAt: new Date(member.addedAt).toISOString() } },
  });
  return { userId, role, addedAt: new Date(member.addedAt).toISOString() };
}

export function changeRole(s: BoardStore, actorId: string, userId: string, role: Role): Member {
  s.requireRole(actorId, "admin");
  const row = memberOrThrow(s, userId);
  if (row.role === "admin" && role !== "admin" && admins(s) === 1) throw new ApiError("conflict", "A board needs at least one admin");
  s.db.update(members).set({ role }).where(eq(members.userId, userId)).run();
  const member = { userId, role, addedAt: new Date(row.addedAt).toISOString() };
  s.emit(actorId, "member.updated", { detail: { userId, role }, payload: { member } });
  return member;
}

/** Admins remove anyone; anyone may leave. The last admin cannot go (409). */
export function removeMember(s: BoardStore, actorId: string, userId: string): void {
  s.requireRole(actorId, actorId === userId ? "observer" : "admin");
  const row = memberOrThrow(s, userId);
  if (row.role === "admin" && admins(s) === 1) throw new ApiError("conflict", "A board needs at least one admin");
  s.db.delete(members).where(eq(members.userId, userId)).run();
  s.emit(actorId, "member.removed", { detail: { userId }, payload: { userId } });
  // someone who left is no longer assigned to anything here
  const assigned = s.db
    .select({ id: cards.id, assignees: cards.assignees })
    .from(cards)
    .where(sql`EXISTS (SELECT 1 FROM json_each(${cards.assignees}) WHERE value = ${userId})`)
    .all();
  for (const card of assigned) {
    const rest = card.assignees.filter((a) => a !== userId);
    s.db.update(cards).set({ assignees: rest }).where(eq(cards.id, card.id)).run();
    s.touchCard(actorId, card.id, "card.updated", { fields: ["assignees"] });
  }
}
