import { hashPassword } from "@edgeworks/auth";
import { canonicalTarget } from "@edgeworks/egress";
import { notFound } from "@edgeworks/http";
import { and, eq, isNull } from "drizzle-orm";
import { canonicalRules } from "./create-link.service";
import type { OwnerDeps } from "./deps";
import { invalidateCachedLink } from "./link-cache";
import { assertSafeTargets, toLink } from "./link-view";
import { type LinkRow, links } from "./schema";
import { assertTargetsResolvePublic } from "./url-dns";
import type { Link, UpdateLinkInput } from "./validation";

/** The caller's live link with this id; anyone else's (or a deleted one) is the same 404. */
const ownedLink = (deps: OwnerDeps, id: string) => and(eq(links.id, id), eq(links.userId, deps.userId), isNull(links.deletedAt));

/** Loads one of the caller's links or throws 404. */
export async function getLinkRowOrThrow(deps: OwnerDeps, id: string): Promise<LinkRow> {
  const row = await deps.db.select().from(links).where(ownedLink(deps, id)).get();
  if (!row) throw notFound("Link");
  return row;
}

export async function getLinkOrThrow(deps: OwnerDeps, id: string): Promise<Link> {
  return toLink(await getLinkRowOrThrow(deps, id), deps.origin);
}

/**
 * Changes the given fields (null clears) and drops the cached copy before answering, so the next
 * redirect already follows the change (a disabled link stops at once).
 */
export async function updateLink(deps: OwnerDeps, id: string, input: UpdateLinkInput): Promise<Link> {
  const current = await getLinkRowOrThrow(deps, id);
  assertSafeTargets(input, deps.urlPolicy);
  await assertTargetsResolvePublic(input, deps.dns);
  const patch: Partial<LinkRow> = {};
  if (input.url !== undefined) patch.url = canonicalTarget(input.url);
  if (input.redirectType !== undefined) patch.redirectType = input.redirectType;
  if (input.expiresAt !== undefined) patch.expiresAt = input.expiresAt;
  if (input.maxClicks !== undefined) patch.maxClicks = input.maxClicks;
  if (input.expiredUrl !== undefined) patch.expiredUrl = input.expiredUrl === null ? null : canonicalTarget(input.expiredUrl);
  if (input.password !== undefined) patch.passwordHash = input.password === null ? null : await hashPassword(input.password);
  if (input.tags !== undefined) patch.tags = input.tags;
  if (input.rules !== undefined) patch.rules = canonicalRules(input.rules);
  if (input.passQuery !== undefined) patch.passQuery = input.passQuery;
  if (input.title !== undefined) patch.title = input.title;
  if (input.disabled !== undefined) patch.disabled = input.disabled;
  if (Object.keys(patch).length === 0) return toLink(current, deps.origin);
  const row = await deps.db
    .update(links)
    .set({ ...patch, updatedAt: deps.now() })
    .where(ownedLink(deps, id))
    .returning()
    .get();
  if (!row) throw notFound("Link");
  await invalidateCachedLink(deps.cache, row.slug, deps.defer);
  return toLink(row, deps.origin);
}

/** Soft-deletes a link (its slug stays taken) and drops the cached copy: the next redirect is 404. */
export async function deleteLink(deps: OwnerDeps, id: string): Promise<void> {
  const row = await deps.db
    .update(links)
    .set({ deletedAt: deps.now(), updatedAt: deps.now() })
    .where(ownedLink(deps, id))
    .returning({ slug: links.slug })
    .get();
  if (!row) throw notFound("Link");
  await invalidateCachedLink(deps.cache, row.slug, deps.defer);
}
