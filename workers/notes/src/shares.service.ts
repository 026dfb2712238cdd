import type { AccountsDirectory } from "@edgeworks/auth";
import { ApiError, decodeCursor, encodeCursor, invalidCursor, iso, notFound, toPage } from "@edgeworks/http";
import { and, asc, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { loadNotebookOrThrow, loadNoteOrThrow } from "./access";
import type { ServiceDeps } from "./deps";
import { type ItemType, notebooks, notes, type Role, shares } from "./schema";
import type { Share, SharedItem, ShareInput } from "./sharing.validation";

export type SharingDeps = ServiceDeps & { directory: AccountsDirectory };

/** Only the owner manages an item's shares; sharees get 403, strangers 404. */
const loadOwned = (deps: ServiceDeps, type: ItemType, id: string) =>
  type === "note" ? loadNoteOrThrow(deps, id, "own") : loadNotebookOrThrow(deps, id, "own");

interface RawShare {
  grantee_id: string;
  role: Role;
  created_at: number;
}

/**
 * Shares an item with the user who has this email, or changes their role. Returns whether the share is new.
 * Sharing a notebook shares its whole subtree.
 */
export async function shareItem(
  deps: SharingDeps,
  type: ItemType,
  id: string,
  input: ShareInput,
): Promise<{ share: Share; created: boolean }> {
  await loadOwned(deps, type, id);
  const user = await deps.directory.findUserByEmail(input.email);
  if (!user) {
    throw new ApiError("validation_failed", "No user has this email", {
      errors: [{ path: "email", location: "body", message: "No user has this email" }],
    });
  }
  if (user.id === deps.userId) {
    throw new ApiError("validation_failed", "You cannot share with yourself", {
      errors: [{ path: "email", location: "body", message: "This is your own email" }],
    });
  }
  const now = deps.now();
  const row = await deps.db
    .insert(shares)
    .values({ itemType: type, itemId: id, ownerId: deps.userId, granteeId: user.id, role: input.role, createdAt: now })
    .onConflictDoUpdate({ target: [shares.itemType, shares.itemId, shares.granteeId], set: { role: input.role } })
    .returning({ role: shares.role, createdAt: shares.createdAt })
    .get();
  return {
    share: { userId: user.id, email: user.email, name: user.name, role: row.role, createdAt: iso(row.createdAt) },
    // an existing share keeps its created_at: only a new one was created now
    created: row.createdAt === now,
  };
}

/** The item's shares with the sharees' emails and names (owner only). */
export async function listShares(deps: SharingDeps, type: ItemType, id: string): Promise<Share[]> {
  await loadOwned(deps, type, id);
  const rows: RawShare[] = await deps.db
    .select({ grantee_id: shares.granteeId, role: shares.role, created_at: shares.createdAt })
    .from(shares)
    .where(and(eq(shares.itemType, type), eq(shares.itemId, id)))
    .orderBy(asc(shares.createdAt), asc(shares.granteeId));
  const users = new Map((await deps.directory.getUsers(rows.map((r) => r.grantee_id))).map((u) => [u.id, u]));
  return rows.map((r) => ({
    userId: r.grantee_id,
    email: users.get(r.grantee_id)?.email ?? null,
    name: users.get(r.grantee_id)?.name ?? null,
    role: r.role,
    createdAt: iso(r.created_at),
  }));
}

/** Revokes a share: the owner may revoke anyone's, a sharee may leave (revoke their own). 404 if there is none. */
export async function revokeShare(deps: ServiceDeps, type: ItemType, id: string, granteeId: string): Promise<void> {
  if (granteeId !== deps.userId) await loadOwned(deps, type, id);
  const res = await deps.db
    .delete(shares)
    .where(
      and(
        eq(shares.itemType, type),
        eq(shares.itemId, id),
        eq(shares.granteeId, granteeId),
        or(eq(shares.ownerId, deps.userId), eq(shares.granteeId, deps.userId)),
      ),
    );
  if (res.meta.changes === 0) throw notFound("Share");
}

interface RawSharedItem {
  item_type: ItemType;
  item_id: string;
  owner_id: string;
  role: Role;
  created_at: number;
  title: string;
}

/** What others shared with the caller (live notes and notebooks only), most recent first. */
export async function listSharedWithMe(
  deps: SharingDeps,
  query: { limit: number; cursor?: string },
): Promise<{ items: SharedItem[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, type, id] = decodeCursor("shared", query.cursor, 3);
    if (typeof createdAt !== "number" || typeof type !== "string" || typeof id !== "string") throw invalidCursor();
    after = sql`(${shares.createdAt}, ${shares.itemType}, ${shares.itemId}) < (${createdAt}, ${type}, ${id})`;
  }
  // the shared note or notebook, when it is live: exactly one of the two joins matches
  const rows: RawSharedItem[] = await deps.db
    .select({
      item_type: shares.itemType,
      item_id: shares.itemId,
      owner_id: shares.ownerId,
      role: shares.role,
      created_at: shares.createdAt,
      title: sql<string>`coalesce(${notes.title}, ${notebooks.name})`,
    })
    .from(shares)
    .leftJoin(notes, and(eq(shares.itemType, "note"), eq(notes.id, shares.itemId), isNull(notes.deletedAt)))
    .leftJoin(notebooks, and(eq(shares.itemType, "notebook"), eq(notebooks.id, shares.itemId), isNull(notebooks.deletedAt)))
    .where(and(eq(shares.granteeId, deps.userId), sql`coalesce(${notes.id}, ${notebooks.id}) IS NOT NULL`, after))
    .orderBy(desc(shares.createdAt), desc(shares.itemType), desc(shares.itemId))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit, (last) => encodeCursor("shared", [last.created_at, last.item_type, last.item_id]));
  const owners = new Map((await deps.directory.getUsers([...new Set(page.items.map((r) => r.owner_id))])).map((u) => [u.id, u]));
  return {
    items: page.items.map((r) => ({
      type: r.item_type,
      id: r.item_id,
      title: r.title,
      role: r.role,
      owner: { id: r.owner_id, email: owners.get(r.owner_id)?.email ?? null, name: owners.get(r.owner_id)?.name ?? null },
      sharedAt: iso(r.created_at),
    })),
    nextCursor: page.nextCursor,
  };
}
