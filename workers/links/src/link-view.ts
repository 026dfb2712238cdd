import { targetUrlProblem, type UrlPolicy } from "@edgeworks/egress";
import { ApiError, type FieldError, iso } from "@edgeworks/http";
import type { LinkRow } from "./schema";
import type { Link, LinkRule } from "./validation";

/** The API shape of a link row; the password hash never leaves the Worker. */
export const toLink = (row: LinkRow, origin: string): Link => ({
  id: row.id,
  slug: row.slug,
  shortUrl: `${origin}/${row.slug}`,
  url: row.url,
  title: row.title,
  redirectType: row.redirectType,
  expiresAt: iso(row.expiresAt),
  maxClicks: row.maxClicks,
  expiredUrl: row.expiredUrl,
  passwordProtected: row.passwordHash !== null,
  tags: row.tags,
  rules: row.rules,
  passQuery: row.passQuery,
  disabled: row.disabled,
  clicks: row.clicks,
  createdAt: iso(row.createdAt) as string,
  updatedAt: iso(row.updatedAt) as string,
});

/**
 * Checks every URL of a create or update body against the safety rules and throws one 422 listing
 * each unsafe one by its path (`url`, `expiredUrl`, `rules.2.url`).
 */
export function assertSafeTargets(
  input: { url?: string; expiredUrl?: string | null; rules?: LinkRule[] },
  policy: UrlPolicy,
  location = "body",
): void {
  const candidates: [string, string | null | undefined][] = [
    ["url", input.url],
    ["expiredUrl", input.expiredUrl],
    ...(input.rules ?? []).map((r, i): [string, string] => [`rules.${i}.url`, r.url]),
  ];
  const errors: FieldError[] = [];
  for (const [path, value] of candidates) {
    if (typeof value !== "string") continue;
    const problem = targetUrlProblem(value, policy);
    if (problem) errors.push({ path, location, message: problem });
  }
  if (errors.length) throw new ApiError("validation_failed", "The request has unsafe URLs", { errors });
}
