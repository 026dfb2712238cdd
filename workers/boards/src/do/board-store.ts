import { ApiError, iso, notFound } from "@edgeworks/http";
import { and, asc, desc, eq, getTableColumns, gt, isNull, lt, max, ne, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { keyFor, type Placement, PlacementError, type Positioned } from "../positions";
import type { Role } from "../validation";
import type { Activity, Board, Card, List, Member } from "../views";
import type { EventFrame } from "./board.protocol";
import { type BoardRow, boardTable, type CardRow, cards, dependencies, events, type ListRow, lists, members } from "./board.schema";
import { groupBy, toCard, toList, toMember } from "./board-schema";
import { type BoardDb, cardExtras, respaceCards, respaceLists } from "./card-extras";
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
 * synchronous (no await between reading and writing: durable-sqlite's `.all()`/`.get()`/`.run()`
 * return results, not promises), and a Durable Object runs one call at a time, so concurrent writers
 * are applied one after another: no lost update, no duplicate position.
 */
export class BoardStore {
  readonly db: BoardDb;

  constructor(
    storage: DurableObjectStorage,
    private readonly onEvent: (frame: EventFrame) => void,
    private readonly keyMaxLength: number,
    /** Epoch ms; injectable so tests can control time. */
    readonly now: () => number = Date.now,
  ) {
    this.db = drizzle(storage);
  }

  /** Whether a query (e.g. `SELECT 1 …`) finds a row. */
  exists(query: SQLWrapper): boolean {
    return this.db.get(query) !== undefined;
  }

  /** The live board row, or undefined (never created, or deleted). */
  board(): BoardRow | undefined {
    return this.db.select().from(boardTable).where(isNull(boardTable.deletedAt)).get();
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
    return this.db.select({ role: members.role }).from(members).where(eq(members.userId, userId)).get()?.role ?? null;
  }

  members(): Member[] {
    return this.db.select().from(members).orderBy(members.addedAt, members.userId).all().map(toMember);
  }

  lastSeq(): number {
    return (
      this.db
        .select({ seq: max(events.seq) })
        .from(events)
        .get()?.seq ?? 0
    );
  }

  /** Appends a numbered event to the log and hands it to the sockets. */
  emit(actorId: string, type: string, e: EventInput): void {
    const at = this.now();
    const row = this.db
      .insert(events)
      .values({ type, actorId, at, listId: e.listId ?? null, cardId: e.cardId ?? null, detail: e.detail ?? {}, payload: e.payload })
      .returning({ seq: events.seq })
      .get();
    if (!row) throw new Error("event insert returned no row");
    this.onEvent({ ...e.payload, type, seq: row.seq, at: iso(at), actorId });
  }

  /** Up to `limit` events after `after`, oldest first, as socket frames: one bounded query (a replay page). */
  eventPage(after: number, limit: number): EventFrame[] {
    return this.db
      .select()
      .from(events)
      .where(gt(events.seq, after))
      .orderBy(events.seq)
      .limit(limit)
      .all()
      .map((r) => ({ ...r.payload, type: r.type, seq: r.seq, at: iso(r.at), actorId: r.actorId }));
  }

  activity(cardId: string | null, before: number | undefined, limit: number): { items: Activity[]; nextBefore: number | null } {
    const rows = this.db
      .select()
      .from(events)
      .where(and(lt(events.seq, before ?? Number.MAX_SAFE_INTEGER), cardId ? eq(events.cardId, cardId) : undefined))
      .orderBy(desc(events.seq))
      .limit(limit + 1)
      .all();
    const items = rows.slice(0, limit).map((r) => ({
      seq: r.seq,
      type: r.type,
      actorId: r.actorId,
      at: iso(r.at),
      listId: r.listId,
      cardId: r.cardId,
      detail: r.detail,
    }));
    return { items, nextBefore: rows.length > limit ? (items.at(-1)?.seq ?? null) : null };
  }

  // ---- lists ---------------------------------------------------------------------------------

  listRowOrThrow(listId: string): ListRow {
    const row = this.db.select().from(lists).where(eq(lists.id, listId)).get();
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
    return this.db
      .select({ id: lists.id, pos: lists.pos, hidden: lists.archived })
      .from(lists)
      .where(exceptId === undefined ? undefined : ne(lists.id, exceptId))
      .orderBy(lists.pos)
      .all();
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
   * past the limit, in the caller's transaction, and says so with an event.
   */
  respaceIfLong(key: string, table: "lists" | "cards", listId: string | null, actorId: string): void {
    if (key.length <= this.keyMaxLength) return;
    if (table === "lists") {
      this.emit(actorId, "lists.rebalanced", { payload: { positions: respaceLists(this.db) } });
    } else {
      const positions = respaceCards(this.db, listId ?? "");
      this.emit(actorId, "cards.rebalanced", { listId, payload: { listId, positions } });
    }
  }

  // ---- cards ---------------------------------------------------------------------------------

  cardRowOrThrow(cardId: string): CardRow {
    const row = this.db.select().from(cards).where(eq(cards.id, cardId)).get();
    if (!row) throw notFound("Card");
    return row;
  }

  /** Card views for rows, with their checklists, comments, attachments and dependencies. */
  cardViews(rows: CardRow[]): Card[] {
    if (rows.length === 0) return [];
    const boardId = this.boardId();
    const extras = cardExtras(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toCard(boardId, r, extras));
  }

  card(cardId: string): Card {
    return this.cardViews([this.cardRowOrThrow(cardId)])[0] as Card;
  }

  cardSequence(listId: string, exceptId?: string): Positioned[] {
    return this.db
      .select({ id: cards.id, pos: cards.pos, hidden: cards.archived })
      .from(cards)
      .where(and(eq(cards.listId, listId), exceptId === undefined ? undefined : ne(cards.id, exceptId)))
      .orderBy(cards.pos)
      .all();
  }

  /** Places a card's key in a list (re-spacing the list if keys grew long); returns the key. */
  placeCard(actorId: string, cardId: string, listId: string, placement: Placement): void {
    const pos = this.placeAmong(this.cardSequence(listId, cardId), placement);
    this.db.update(cards).set({ listId, pos }).where(eq(cards.id, cardId)).run();
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
    this.db
      .update(cards)
      .set({ version: sql`${cards.version} + 1`, updatedAt: this.now() })
      .where(eq(cards.id, cardId))
      .run();
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
    const blocker = this.db
      .select({ id: dependencies.blockerId })
      .from(dependencies)
      .innerJoin(cards, eq(cards.id, dependencies.blockerId))
      .innerJoin(lists, eq(lists.id, cards.listId))
      .where(and(eq(dependencies.cardId, cardId), eq(lists.done, false)))
      .limit(1)
      .get();
    return blocker !== undefined;
  }

  /** Live cards in live lists (a card in an archived list counts as archived), with `where` on top. */
  liveCards(where?: SQL) {
    return this.db
      .select(getTableColumns(cards))
      .from(cards)
      .innerJoin(lists, eq(lists.id, cards.listId))
      .where(and(eq(cards.archived, false), eq(lists.archived, false), where));
  }

  assemble(role: Role): Board {
    const board = this.board();
    if (!board) throw notFound("Board");
    const listRows = this.db.select().from(lists).where(eq(lists.archived, false)).orderBy(lists.pos).all();
    const cardViews = this.cardViews(this.liveCards().orderBy(asc(cards.pos)).all());
    const byList = groupBy(cardViews, (c) => c.listId);
    return {
      id: board.id,
      name: board.name,
      isTemplate: board.isTemplate,
      role,
      seq: this.lastSeq(),
      members: this.members(),
      lists: listRows.map((l) => ({ ...toList(board.id, l), cards: byList.get(l.id) ?? [] })),
      createdAt: iso(board.createdAt),
      updatedAt: iso(board.updatedAt),
    };
  }
}
