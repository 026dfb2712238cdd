import { hashPassword } from "@edgeworks/auth";
import { canonicalTarget } from "@edgeworks/egress";
import { ApiError } from "@edgeworks/http";
import { nanoid } from "nanoid";
import type { LinkDeps } from "./deps";
import { assertSafeTargets, toLink } from "./link-view";
import { type LinkRow, links } from "./schema";
import { generateSlug } from "./slug";
import { assertTargetsResolvePublic } from "./url-dns";
import type { CreateLinkInput, Link, LinkRule } from "./validation";

/** How many random slugs to try before giving up; 42-bit slugs make a second try already rare. */
const SLUG_ATTEMPTS = 5;

/** Rules with their URLs stored the way they will be redirected to. */
export const canonicalRules = (rules: LinkRule[]): LinkRule[] => rules.map((r) => ({ ...r, url: canonicalTarget(r.url) }));

/**
 * Creates a link owned by `deps.userId` (null: anonymous). A custom slug that is taken is 409; a
 * generated one is retried on collision. The insert itself decides (`ON CONFLICT DO NOTHING`), so
 * two concurrent creates of one slug cannot both win.
 */
export async function createLink(deps: LinkDeps, input: CreateLinkInput): Promise<Link> {
  assertSafeTargets(input, deps.urlPolicy);
  await assertTargetsResolvePublic(input, deps.dns);
  const now = deps.now();
  const base: Omit<LinkRow, "slug"> = {
    id: nanoid(),
    userId: deps.userId,
    url: canonicalTarget(input.url),
    title: input.title ?? null,
    redirectType: input.redirectType ?? 302,
    expiresAt: input.expiresAt ?? null,
    maxClicks: input.maxClicks ?? null,
    expiredUrl: input.expiredUrl ? canonicalTarget(input.expiredUrl) : null,
    passwordHash: input.password ? await hashPassword(input.password) : null,
    tags: input.tags ?? [],
    rules: canonicalRules(input.rules ?? []),
    passQuery: input.passQuery ?? false,
    disabled: false,
    clicks: 0,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  const attempts = input.slug ? [input.slug] : Array.from({ length: SLUG_ATTEMPTS }, generateSlug);
  for (const slug of attempts) {
    const row = await deps.db
      .insert(links)
      .values({ ...base, slug })
      .onConflictDoNothing({ target: links.slug })
      .returning()
      .get();
    if (row) return toLink(row, deps.origin);
  }
  if (input.slug) {
    throw new ApiError("conflict", `The slug "${input.slug}" is taken`, {
      errors: [{ path: "slug", location: "body", message: "Already taken" }],
    });
  }
  throw new ApiError("service_unavailable", "Could not find a free slug; try again");
}
