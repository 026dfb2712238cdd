import { DurableObject } from "cloudflare:workers";
import { log } from "@edgeworks/http";
import { badTicket, readFrame, SocketHub } from "@edgeworks/realtime";
import { boardsDb, replaceBoardMembers } from "../board-index";
import type { Placement } from "../positions";
import type { CreateCardInput, DependencyInput, MoveCardInput, Role, SearchQuery, UpdateCardInput } from "../validation";
import type { Activity, Board as BoardView, Card, List, Member } from "../views";
import { type AttachmentMeta, fromNewAttachment, type NewAttachment, toAttachmentMeta } from "./attachment-rpc";
import { type ControlFrame, clientFrame, type EventFrame, MAX_CLIENT_FRAME_BYTES } from "./board.protocol";
import { boardTable, members as memberRows } from "./board.schema";
import * as admin from "./board-admin";
import { migrateBoard } from "./board-schema";
import { BoardStore } from "./board-store";
import * as details from "./card-details";
import * as cards from "./card-ops";
import * as queries from "./card-queries";
import * as lists from "./list-ops";
import { asResult, type Result } from "./result";

const PING = JSON.stringify({ type: "ping" });

const keyMaxLength = (env: Env) => {
  const n = Number(env.POSITION_KEY_MAX_LENGTH);
  return Number.isInteger(n) && n >= 4 ? n : 50;
};

/**
 * One board (`idFromName(boardId)`): its lists, cards, members and event log in SQLite, every write to
 * it, and its WebSockets (hibernation API). Writes run in a storage transaction and their events are
 * broadcast only once it has committed, so a refused write leaves no trace and sends nothing.
 */
export class Board extends DurableObject<Env> {
  private readonly store: BoardStore;
  private readonly hub: SocketHub;
  private outbox: EventFrame[] = [];
  private syncing: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new BoardStore(ctx.storage, (frame) => this.outbox.push(frame), keyMaxLength(env));
    // a replay is sent a page (one bounded query) per turn, ready after the last (SocketHub)
    this.hub = new SocketHub(ctx, {
      replayPage: (after, limit) => this.store.eventPage(after, limit),
      head: () => this.store.lastSeq(),
      onReplayError: (err) => log(env.LOG_LEVEL, "error", "replay failed", { error: err instanceof Error ? err.message : String(err) }),
    });
    ctx.blockConcurrencyWhile(async () => migrateBoard(ctx.storage));
    // keep-alive pings are answered by the runtime without waking a hibernating board
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, JSON.stringify({ type: "pong" } satisfies ControlFrame)));
  }

  private write<T>(fn: (s: BoardStore) => T): Promise<Result<T>> {
    return asResult(() => {
      this.outbox = [];
      try {
        const value = this.ctx.storage.transactionSync(() => fn(this.store));
        // stored events: a socket still being replayed to reads them from the log instead
        for (const frame of this.outbox) this.hub.broadcastEvent(frame);
        return value;
      } finally {
        this.outbox = [];
      }
    });
  }

  private read<T>(fn: (s: BoardStore) => T): Promise<Result<T>> {
    return asResult(() => fn(this.store));
  }

  /**
   * Mirrors the members into D1 (the cross-board index: "my boards", the feed). Chained, so mirrors
   * apply in order; each reads the state when it runs, so the last one always wins with the truth.
   */
  private async syncIndex(): Promise<void> {
    const run = async () => {
      // the board row even once deleted (board() hides it): a deleted board mirrors no members
      const board = this.store.db.select().from(boardTable).get();
      if (!board) return;
      const members =
        board.deletedAt === null ? this.store.db.select({ userId: memberRows.userId, role: memberRows.role }).from(memberRows).all() : [];
      await replaceBoardMembers(boardsDb(this.env.DB), {
        id: board.id,
        name: board.name,
        isTemplate: board.isTemplate,
        createdAt: board.createdAt,
        members,
      });
    };
    this.syncing = this.syncing.then(run).catch((err) => {
      log(this.env.LOG_LEVEL, "error", "board index sync failed", { error: err instanceof Error ? err.message : String(err) });
    });
    return this.syncing;
  }

  private async writeAndSync<T>(fn: (s: BoardStore) => T): Promise<Result<T>> {
    const result = await this.write(fn);
    if (result.ok) await this.syncIndex();
    return result;
  }

  // ---- board and members ----------------------------------------------------------------------

  init(input: admin.InitInput): Promise<Result<BoardView>> {
    return this.writeAndSync((s) => admin.initBoard(s, input));
  }
  getBoard(actorId: string): Promise<Result<BoardView>> {
    return this.read((s) => s.assemble(s.requireRole(actorId, "observer").role));
  }
  updateBoard(actorId: string, name: string | undefined): Promise<Result<BoardView>> {
    return this.writeAndSync((s) => {
      admin.renameBoard(s, actorId, name);
      return s.assemble("admin");
    });
  }
  async deleteBoard(actorId: string): Promise<Result<null>> {
    const result = await this.writeAndSync((s) => admin.deleteBoard(s, actorId) ?? null);
    if (result.ok) for (const ws of this.ctx.getWebSockets()) this.hub.close(ws, 4404, "The board was deleted");
    return result;
  }
  snapshot(actorId: string): Promise<Result<{ name: string; snapshot: admin.BoardSnapshot }>> {
    return this.read((s) => admin.snapshotBoard(s, actorId));
  }
  addMember(actorId: string, userId: string, role: Role): Promise<Result<Member>> {
    return this.writeAndSync((s) => admin.addMember(s, actorId, userId, role));
  }
  updateMember(actorId: string, userId: string, role: Role): Promise<Result<Member>> {
    return this.writeAndSync((s) => admin.changeRole(s, actorId, userId, role));
  }
  async removeMember(actorId: string, userId: string): Promise<Result<null>> {
    const result = await this.writeAndSync((s) => admin.removeMember(s, actorId, userId) ?? null);
    if (result.ok) {
      for (const ws of this.ctx.getWebSockets(userId)) this.hub.close(ws, 4403, "No longer a member of this board");
    }
    return result;
  }
  activity(
    actorId: string,
    cardId: string | null,
    before: number | undefined,
    limit: number,
  ): Promise<Result<{ items: Activity[]; nextBefore: number | null }>> {
    return this.read((s) => {
      s.requireRole(actorId, "observer");
      if (cardId) s.cardRowOrThrow(cardId);
      return s.activity(cardId, before, limit);
    });
  }

  // ---- lists and cards -----------------------------------------------------------------------

  createList(actorId: string, input: { name: string; pos?: Placement; done?: boolean }): Promise<Result<List>> {
    return this.write((s) => lists.createList(s, actorId, input));
  }
  updateList(actorId: string, listId: string, patch: { name?: string; done?: boolean; archived?: boolean }): Promise<Result<List>> {
    return this.write((s) => lists.updateList(s, actorId, listId, patch));
  }
  moveList(actorId: string, listId: string, pos: Placement): Promise<Result<List>> {
    return this.write((s) => lists.moveList(s, actorId, listId, pos));
  }
  createCard(actorId: string, listId: string, input: CreateCardInput): Promise<Result<Card>> {
    return this.write((s) => cards.createCard(s, actorId, listId, input));
  }
  getCard(actorId: string, cardId: string): Promise<Result<Card>> {
    return this.read((s) => cards.getCard(s, actorId, cardId));
  }
  updateCard(actorId: string, cardId: string, patch: UpdateCardInput, ifMatch?: string): Promise<Result<Card>> {
    return this.write((s) => cards.updateCard(s, actorId, cardId, patch, ifMatch));
  }
  moveCard(actorId: string, cardId: string, input: MoveCardInput, ifMatch?: string): Promise<Result<Card>> {
    return this.write((s) => cards.moveCard(s, actorId, cardId, input, ifMatch));
  }
  deleteCard(actorId: string, cardId: string, ifMatch?: string): Promise<Result<string[]>> {
    return this.write((s) => cards.deleteCard(s, actorId, cardId, ifMatch));
  }
  addChecklist(actorId: string, cardId: string, input: { title: string; items?: string[] }): Promise<Result<Card>> {
    return this.write((s) => details.addChecklist(s, actorId, cardId, input));
  }
  deleteChecklist(actorId: string, cardId: string, checklistId: string): Promise<Result<Card>> {
    return this.write((s) => details.deleteChecklist(s, actorId, cardId, checklistId));
  }
  addChecklistItem(actorId: string, cardId: string, checklistId: string, text: string): Promise<Result<Card>> {
    return this.write((s) => details.addChecklistItem(s, actorId, cardId, checklistId, text));
  }
  updateChecklistItem(
    actorId: string,
    cardId: string,
    ids: { checklistId: string; itemId: string },
    patch: { text?: string; done?: boolean },
  ): Promise<Result<Card>> {
    return this.write((s) => details.updateChecklistItem(s, actorId, cardId, ids, patch));
  }
  addComment(actorId: string, cardId: string, text: string): Promise<Result<Card>> {
    return this.write((s) => details.addComment(s, actorId, cardId, text));
  }
  editComment(actorId: string, cardId: string, commentId: string, text: string): Promise<Result<Card>> {
    return this.write((s) => details.editComment(s, actorId, cardId, commentId, text));
  }
  deleteComment(actorId: string, cardId: string, commentId: string): Promise<Result<Card>> {
    return this.write((s) => details.deleteComment(s, actorId, cardId, commentId));
  }
  addDependency(actorId: string, cardId: string, input: DependencyInput): Promise<Result<Card>> {
    return this.write((s) => details.addDependency(s, actorId, cardId, input));
  }
  removeDependency(actorId: string, cardId: string, blockerId: string): Promise<Result<Card>> {
    return this.write((s) => details.removeDependency(s, actorId, cardId, blockerId));
  }
  /** Checks that the caller may attach files to the card (before the upload is stored). */
  canWriteCard(actorId: string, cardId: string): Promise<Result<null>> {
    return this.read((s) => {
      s.requireRole(actorId, "member");
      s.cardRowOrThrow(cardId);
      return null;
    });
  }
  addAttachment(actorId: string, cardId: string, a: NewAttachment): Promise<Result<Card>> {
    return this.write((s) => details.addAttachment(s, actorId, cardId, fromNewAttachment(a)));
  }
  getAttachment(actorId: string, cardId: string, attachmentId: string): Promise<Result<AttachmentMeta>> {
    return this.read((s) => {
      s.requireRole(actorId, "observer");
      return toAttachmentMeta(details.attachmentOrThrow(s, cardId, attachmentId));
    });
  }
  removeAttachment(actorId: string, cardId: string, attachmentId: string): Promise<Result<string>> {
    return this.write((s) => details.removeAttachment(s, actorId, cardId, attachmentId));
  }
  searchCards(actorId: string, q: SearchQuery): Promise<Result<Card[]>> {
    return this.read((s) => queries.searchCards(s, actorId, q));
  }
  calendar(actorId: string, from: number, to: number): Promise<Result<Card[]>> {
    return this.read((s) => queries.calendar(s, actorId, from, to));
  }
  dueCards(userId: string): Promise<queries.DueCard[]> {
    return Promise.resolve(queries.dueCards(this.store, userId));
  }

  // ---- real time -----------------------------------------------------------------------------

  /** A single-use ticket for opening the board's WebSocket within 60 s; only its hash is stored. */
  issueTicket(actorId: string): Promise<Result<{ ticket: string; expiresAt: string }>> {
    return asResult(async () => {
      const { ticket, expiresAt } = await this.hub.issueTicket(actorId, () => this.store.requireRole(actorId, "observer"));
      return { ticket, expiresAt: new Date(expiresAt).toISOString() };
    });
  }

  /**
   * The WebSocket upgrade (`?ticket=…&since=N`, see SocketHub.upgrade): the ticket works once; the
   * board must still exist (else 401, as for any ticket) and its user still be a member (else 403).
   * The events after `since` follow a page per turn of the board, then `ready`.
   */
  override async fetch(request: Request): Promise<Response> {
    return this.hub.upgrade(request, {
      authorize: (userId) => {
        if (!this.store.board()) return badTicket;
        if (this.store.roleOf(userId) === null)
          return { status: 403, code: "forbidden", detail: "You are no longer a member of this board" };
        return null;
      },
      tags: (userId) => [userId],
      state: (userId) => ({ userId }),
      opened: (ws) => {
        // a second socket of someone already here changes nothing for the others, but this one is told
        if (!this.hub.announcePresence()) this.hub.send(ws, { type: "presence", online: this.hub.connectedUsers() } satisfies ControlFrame);
      },
    });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const read = readFrame(message, clientFrame, MAX_CLIENT_FRAME_BYTES);
    if (read.ok) {
      this.hub.send(ws, { type: "pong", ...(read.frame.id === undefined ? {} : { id: read.frame.id }) } satisfies ControlFrame);
    } else if (read.reason === "too_large") {
      this.hub.close(ws, 1009, "Frame too large");
    } else if (read.reason === "invalid") {
      this.hub.fail(ws, "validation_failed", 'Unknown or invalid frame; send {"type":"ping"}');
    } else {
      this.hub.fail(ws, "malformed_json", "Frames must be JSON");
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.hub.closed(ws, code);
    this.hub.announcePresence(this.hub.connectedUsers(ws), ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.hub.setState(ws, null);
    this.hub.announcePresence(this.hub.connectedUsers(ws), ws);
  }
}
