import { TICKETS_DDL } from "@edgeworks/auth";
import { iso } from "@edgeworks/http";
import { migrate } from "@edgeworks/realtime";
import type { Card, List, Member } from "../views";
import type { AttachmentRow, CardRow, ChecklistRow, CommentRow, ItemRow, ListRow, MemberRow } from "./board.schema";

/**
 * The board's own SQLite schema (Durable Object storage) as applied; board.schema.ts declares the same
 * tables for the drizzle builder (test/do-schema.test.ts keeps the two in step). Positions are unique
 * per list (lists per board), so even a bug could never store two items at one position: the write
 * would fail instead.
 */
export const BOARD_DDL = `
CREATE TABLE IF NOT EXISTS board (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, is_template INTEGER NOT NULL, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, deleted_at INTEGER
);
CREATE TABLE IF NOT EXISTS members (user_id TEXT PRIMARY KEY, role TEXT NOT NULL, added_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lists (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, pos TEXT NOT NULL UNIQUE, done INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cards (
  id TEXT PRIMARY KEY, list_id TEXT NOT NULL, pos TEXT NOT NULL, title TEXT NOT NULL, description TEXT,
  due_at INTEGER, labels TEXT NOT NULL DEFAULT '[]', assignees TEXT NOT NULL DEFAULT '[]',
  archived INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (list_id, pos)
);
CREATE INDEX IF NOT EXISTS cards_due ON cards (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS checklists (id TEXT PRIMARY KEY, card_id TEXT NOT NULL, title TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS checklists_card ON checklists (card_id);
CREATE TABLE IF NOT EXISTS checklist_items (
  id TEXT PRIMARY KEY, checklist_id TEXT NOT NULL, card_id TEXT NOT NULL, text TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checklist_items_card ON checklist_items (card_id);
CREATE TABLE IF NOT EXISTS comments (
  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, author_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL, edited_at INTEGER
);
CREATE INDEX IF NOT EXISTS comments_card ON comments (card_id);
CREATE TABLE IF NOT EXISTS attachments (
  id TEXT PRIMARY KEY, card_id TEXT NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL,
  size INTEGER NOT NULL, r2_key TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_card ON attachments (card_id);
CREATE TABLE IF NOT EXISTS dependencies (card_id TEXT NOT NULL, blocker_id TEXT NOT NULL, PRIMARY KEY (card_id, blocker_id));
CREATE INDEX IF NOT EXISTS dependencies_blocker ON dependencies (blocker_id);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, actor_id TEXT NOT NULL, at INTEGER NOT NULL,
  list_id TEXT, card_id TEXT, detail TEXT NOT NULL, payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_card ON events (card_id, seq) WHERE card_id IS NOT NULL;
${TICKETS_DDL}
`;

/**
 * The board's schema migrations, in order: a board created by an older deploy is brought up to date
 * when it wakes (its version is kept in `schema_version`). Append, never edit, once deployed.
 */
export const BOARD_MIGRATIONS: readonly string[] = [BOARD_DDL];

/** Applies the migrations a board's storage has not seen yet, in one transaction. */
export const migrateBoard = (storage: DurableObjectStorage): number => migrate(storage, BOARD_MIGRATIONS);

export const toMember = (r: MemberRow): Member => ({ userId: r.userId, role: r.role, addedAt: iso(r.addedAt) });

export const toList = (boardId: string, r: ListRow): List => ({
  id: r.id,
  boardId,
  name: r.name,
  pos: r.pos,
  done: r.done,
  archived: r.archived,
});

/** What a card's view needs besides its own row, grouped by card id. */
export interface CardExtras {
  checklists: Map<string, ChecklistRow[]>;
  items: Map<string, ItemRow[]>;
  comments: Map<string, CommentRow[]>;
  attachments: Map<string, AttachmentRow[]>;
  blockedBy: Map<string, string[]>;
  blocks: Map<string, string[]>;
}

export const groupBy = <T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> => {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
};

export const toCard = (boardId: string, r: CardRow, x: CardExtras): Card => ({
  id: r.id,
  boardId,
  listId: r.listId,
  title: r.title,
  description: r.description,
  pos: r.pos,
  dueAt: r.dueAt === null ? null : iso(r.dueAt),
  labels: r.labels,
  assignees: r.assignees,
  archived: r.archived,
  version: r.version,
  checklists: (x.checklists.get(r.id) ?? []).map((c) => ({
    id: c.id,
    title: c.title,
    items: (x.items.get(c.id) ?? []).map((i) => ({ id: i.id, text: i.text, done: i.done })),
  })),
  comments: (x.comments.get(r.id) ?? []).map((c) => ({
    id: c.id,
    authorId: c.authorId,
    text: c.text,
    createdAt: iso(c.createdAt),
    editedAt: c.editedAt === null ? null : iso(c.editedAt),
  })),
  attachments: (x.attachments.get(r.id) ?? []).map((a) => ({
    id: a.id,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    createdBy: a.createdBy,
    createdAt: iso(a.createdAt),
  })),
  blockedBy: x.blockedBy.get(r.id) ?? [],
  blocks: x.blocks.get(r.id) ?? [],
  createdBy: r.createdBy,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});
