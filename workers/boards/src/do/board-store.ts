import { ApiError, notFound } from "@edgeworks/http";
import { evenKeys, keyFor, type Placement, PlacementError, type Positioned } from "../positions";
import type { Role } from "../validation";
import type { Activity, Board, Card, List, Member } from "../views";
import type { EventFrame } from "./board.protocol";
import {
  type AttachmentRow,
  type BoardRow,
  type CardRow,
  type ChecklistRow,
  type CommentRow,
  type DependencyRow,
  type EventRow,
  groupBy,
  type ItemRow,
  iso,
  type ListRow,
  type MemberRow,
  toCard,
  toList,
  toMember,
} from "./board-schema";
import { invalidField } from "./result";

const RANK: Record<Role, number> = { observer: 0, member: 1, admin: 2 };

/** Where an event is about, and what the activity log says about it. */
export interface EventInput {
  listId?: string | null;
  cardId?: string | null;
  detail?: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * The board's state in its Durable Object's SQLite storage, and the rules over it. Every method is
 * synchronous (no await between reading and writing), and a Durable Object runs one call at a time,
 * so concurrent writers are applied one after another: no lost update, no duplicate position.
 */
export class BoardStore {
  constructor(
    readonly sql: SqlStorage,
    private readonly onEvent: (frame: EventFrame) => void,
    private readonly keyMaxLength: number,
    /** Epoch ms; injectable so tests can control time. */
    readonly now: () => number = Date.now,
  ) {}

  all<T>(query: string, ...bindings: unknown[]): T[] {
    return this.sql.exec(query, ...bindings).toArray() as T[];
  }

  one<T>(query: string, ...bindings: unknown[]): T | undefined {
    return this.all<T>(query, ...bindings)[0];
  }

  /** The live board row, or undefined (never created, or deleted). */
  board(): BoardRow | undefined {
    return this.one<BoardRow>("SELECT * FROM board WHERE deleted_at IS NULL");
  }

  /** The board and the caller's role, or 404 for a stranger and 403 below `min`. */
  requireRole(userId: string, min: Role): { board: BoardRow; role: Role } {
    const board = this.board();
    const role = board ? this.roleOf(userId) : null;
    if (!board || role === null) throw notFound("Board");
    if (RANK[role] < RANK[min]) {
      throw new ApiError("forbidden", min === "admin" ? "Only board admins may do this" : "Observers have read-only access");
    }
    return { board, role };
  }

  roleOf(userId: string): Role | null {
    return this.one<MemberRow>("SELECT * FROM members WHERE user_id = ?", userId)?.role ?? null;
  }

  members(): Member[] {
    return this.all<MemberRow>("SELECT * FROM members ORDER BY added_at, user_id").map(toMember);
  }

  lastSeq(): number {
    return this.one<{ seq: number | null }>("SELECT max(seq) AS seq FROM events")?.seq ?? 0;
  }

  /** Appends a numbered event to the log and hands it to the sockets. */
  emit(actorId: string, type: string, e: EventInput): void {
    const at = this.now();
    const row = this.one<{ seq: number }>(
      "INSERT INTO events (type, actor_id, at, list_id, card_id, detail, payload) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
      type,
      actorId,
      at,
      e.listId ?? null,
      e.cardId ?? null,
      JSON.stringify(e.detail ?? {}),
      JSON.stringify(e.payload),
    );
    if (!row) throw new Error("event insert returned no row");
    this.onEvent({ ...e.payload, type, seq: row.seq, at: iso(at), actorId });
  }

  /** Events after `since`, oldest first, as socket frames. */
  eventsSince(since: number): EventFrame[] {
    return this.all<EventRow>("SELECT * FROM events WHERE seq > ? ORDER BY seq", since).map((r) => ({
      ...(JSON.parse(r.payload) as Record<string, unknown>),
      type: r.type,
      seq: r.seq,
      at: iso(r.at),
      actorId: r.actor_id,
    }));
  }

  activity(cardId: string | null, before: number | undefined, limit: number): { items: Activity[]; nextBefore: number | null } {
    const rows = this.all<EventRow>(
      `SELECT * FROM events WHERE seq < ? ${cardId ? "AND card_id = ?" : ""} ORDER BY seq DESC LIMIT ?`,
      ...[before ?? Number.MAX_SAFE_INTEGER, ...(cardId ? [cardId] : []), limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      seq: r.seq,
      type: r.type,
      actorId: r.actor_id,
      at: iso(r.at),
      listId: r.list_id,
      cardId: r.card_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
    return { items, nextBefore: rows.length > limit ? (items.at(-1)?.seq ?? null) : null };
  }

  // ---- lists ---------------------------------------------------------------------------------

  listRowOrThrow(listId: string): ListRow {
    const row = this.one<ListRow>("SELECT * FROM lists WHERE id = ?", listId);
    if (!row) throw notFound("List");
    return row;
  }

  list(listId: string): List {
    return toList(this.boardId(), this.listRowOrThrow(listId));
  }

  boardId(): string {
    const b = this.board();
    if (!b) throw notFound("Board");
    return b.id;
  }

  /** The board's lists in order (archived ones hidden), without `exceptId`. */
  listSequence(exceptId?: string): Positioned[] {
    return this.all<ListRow>("SELECT * FROM lists WHERE id IS NOT ? ORDER BY pos", exceptId ?? null).map((l) => ({
      id: l.id,
      pos: l.pos,
      hidden: l.archived === 1,
    }));
  }

  /** A key for `placement`, 409 when the neighbours named are not (or no longer) where the caller thinks. */
  placeAmong(items: Positioned[], placement: Placement): string {
    try {
      return keyFor(items, placement);
    } catch (err) {
      if (err instanceof PlacementError) throw new ApiError("conflict", err.message);
      throw err;
    }
  }

  /**
   * Re-spaces every key of a sequence (a list's cards, or the board's lists) once a new `key` grew
   * past the limit, in the caller's transaction, and says so with an event. Keys are
   * first parked on unique temporary values so the UNIQUE position index never sees a collision.
   */
  respaceIfLong(key: string, table: "lists" | "cards", listId: string | null, actorId: string): void {
    if (key.length <= this.keyMaxLength) return;
    const where = table === "cards" ? "WHERE list_id = ?" : "";
    const args = table === "cards" ? [listId] : [];
    const rows = this.all<{ id: string }>(`SELECT id FROM ${table} ${where} ORDER BY pos`, ...args);
    const keys = evenKeys(rows.length);
    this.sql.exec(`UPDATE ${table} SET pos = '~' || id ${where}`, ...args);
    const positions = rows.map((r, i) => ({ id: r.id, pos: keys[i] as string }));
    for (const p of positions) this.sql.exec(`UPDATE ${table} SET pos = ? WHERE id = ?`, p.pos, p.id);
    if (table === "lists") this.emit(actorId, "lists.rebalanced", { payload: { positions } });
    else this.emit(actorId, "cards.rebalanced", { listId, payload: { listId, positions } });
  }

  // ---- cards ---------------------------------------------------------------------------------

  cardRowOrThrow(cardId: string): CardRow {
    const row = this.one<CardRow>("SELECT * FROM cards WHERE id = ?", cardId);
    if (!row) throw notFound("Card");
    return row;
  }

  /** Card views for rows, with their checklists, comments, attachments and dependencies. */
  cardViews(rows: CardRow[]): Card[] {
    if (rows.length === 0) return [];
    const boardId = this.boardId();
    const ids = JSON.stringify(rows.map((r) => r.id));
    const inIds = "IN (SELECT value FROM json_each(?))";
    const deps = this.all<DependencyRow>(
      `SELECT * FROM dependencies WHERE card_id ${inIds} OR blocker_id ${inIds} ORDER BY rowid`,
      ids,
      ids,
    );
    const extras = {
      checklists: groupBy(
        this.all<ChecklistRow>(`SELECT * FROM checklists WHERE card_id ${inIds} ORDER BY created_at, rowid`, ids),
        (c) => c.card_id,
      ),
      items: groupBy(
        this.all<ItemRow>(`SELECT * FROM checklist_items WHERE card_id ${inIds} ORDER BY created_at, rowid`, ids),
        (i) => i.checklist_id,
      ),
      comments: groupBy(
        this.all<CommentRow>(`SELECT * FROM comments WHERE card_id ${inIds} ORDER BY created_at, rowid`, ids),
        (c) => c.card_id,
      ),
      attachments: groupBy(
        this.all<AttachmentRow>(`SELECT * FROM attachments WHERE card_id ${inIds} ORDER BY created_at, rowid`, ids),
        (a) => a.card_id,
      ),
      blockedBy: new Map([...groupBy(deps, (d) => d.card_id)].map(([k, v]) => [k, v.map((d) => d.blocker_id)])),
      blocks: new Map([...groupBy(deps, (d) => d.blocker_id)].map(([k, v]) => [k, v.map((d) => d.card_id)])),
    };
    return rows.map((r) => toCard(boardId, r, extras));
  }

  card(cardId: string): Card {
    return this.cardViews([this.cardRowOrThrow(cardId)])[0] as Card;
  }

  cardSequence(listId: string, exceptId?: string): Positioned[] {
    return this.all<CardRow>(
      "SELECT id, pos, archived FROM cards WHERE list_id = ? AND id IS NOT ? ORDER BY pos",
      listId,
      exceptId ?? null,
    ).map((c) => ({ id: c.id, pos: c.pos, hidden: c.archived === 1 }));
  }

  /** Places a card's key in a list (re-spacing the list if keys grew long); returns the key. */
  placeCard(actorId: string, cardId: string, listId: string, placement: Placement): void {
    const pos = this.placeAmong(this.cardSequence(listId, cardId), placement);
    this.sql.exec("UPDATE cards SET list_id = ?, pos = ? WHERE id = ?", listId, pos, cardId);
    this.respaceIfLong(pos, "cards", listId, actorId);
  }

  /** 412 unless `ifMatch` (an If-Match header) is absent, `*`, or names the card's current version. */
  checkVersion(row: CardRow, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === "*") return;
    const versions = ifMatch.split(",").map((t) => /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(t)?.[1]);
    if (versions.some((v) => v !== undefined && Number(v) === row.version)) return;
    throw new ApiError("precondition_failed", `The card has changed since you read it (now version ${row.version}): reload and retry`);
  }

  /** Bumps a card's version (every change does) and emits `type` with the card's new view. */
  touchCard(actorId: string, cardId: string, type: string, detail: Record<string, unknown> = {}): Card {
    this.sql.exec("UPDATE cards SET version = version + 1, updated_at = ? WHERE id = ?", this.now(), cardId);
    const card = this.card(cardId);
    this.emit(actorId, type, { listId: card.listId, cardId, detail, payload: { card } });
    return card;
  }

  /** 422 unless every assignee is a member of the board. */
  checkAssignees(assignees: string[] | undefined): void {
    const strangers = (assignees ?? []).filter((a) => this.roleOf(a) === null);
    if (strangers.length > 0) throw invalidField("assignees", `Not members of this board: ${strangers.join(", ")}`);
  }

  /** True when a blocker of the card is not finished (not in a done list). */
  isBlocked(cardId: string): boolean {
    return (
      this.one(
        `SELECT 1 FROM dependencies d JOIN cards b ON b.id = d.blocker_id JOIN lists l ON l.id = b.list_id
         WHERE d.card_id = ? AND l.done = 0 LIMIT 1`,
        cardId,
      ) !== undefined
    );
  }

  assemble(role: Role): Board {
    const board = this.board();
    if (!board) throw notFound("Board");
    const lists = this.all<ListRow>("SELECT * FROM lists WHERE archived = 0 ORDER BY pos");
    const cards = this.cardViews(
      this.all<CardRow>("SELECT c.* FROM cards c JOIN lists l ON l.id = c.list_id WHERE c.archived = 0 AND l.archived = 0 ORDER BY c.pos"),
    );
    const byList = groupBy(cards, (c) => c.listId);
    return {
      id: board.id,
      name: board.name,
      isTemplate: board.is_template === 1,
      role,
      seq: this.lastSeq(),
      members: this.members(),
      lists: lists.map((l) => ({ ...toList(board.id, l), cards: byList.get(l.id) ?? [] })),
      createdAt: iso(board.created_at),
      updatedAt: iso(board.updated_at),
    };
  }
}
