import { customAlphabet } from "nanoid";
import registry from "../../../products.json";

/** What a slug may look like: the front door routes `/{slug}` for one segment of these characters. */
export const SLUG_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A custom alias: 3..64 characters. */
export const CUSTOM_SLUG_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const GENERATED_SLUG_LENGTH = 7;

/**
 * Slugs nobody may take (compared case-insensitively): every product prefix on the front door (a slug
 * must never shadow a product), the front door's own paths, and names that look official.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  // every registered product's prefix (products.json, so a product made by `pnpm new` is covered) and
  // the ones ARCHITECTURE.md plans
  ...registry.products.flatMap((p) => ("passThrough" in p ? [p.prefix, p.passThrough] : [p.prefix]).map((x) => String(x).slice(1))),
  "auth",
  "todo",
  "links",
  "notes",
  "blog",
  "shop",
  "chat",
  "boards",
  "social",
  "video",
  "saas",
  "jobs",
  "gateway",
  "projects",
  "learn",
  "clinic",
  "commerce",
  // the front door's reserved paths
  "health",
  "docs",
  "_docs",
  "api",
  "static",
  "assets",
  "admin",
  // names that would mislead or collide with well-known files and pages
  "www",
  "app",
  "login",
  "logout",
  "signin",
  "signup",
  "register",
  "account",
  "accounts",
  "settings",
  "dashboard",
  "billing",
  "support",
  "help",
  "about",
  "status",
  "metrics",
  "openapi",
  "favicon",
  "robots",
  "sitemap",
  "well-known",
  "security",
  "password",
  "reset",
  "verify",
  "oauth",
  "new",
  "edit",
  "qr",
  "stats",
]);

/** True when `slug` is reserved (any letter case). */
export const isReservedSlug = (slug: string): boolean => RESERVED_SLUGS.has(slug.toLowerCase());

// nanoid's URL-safe alphabet: 64 symbols, so 7 characters give 42 bits
const generate = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-", GENERATED_SLUG_LENGTH);

/** A random 7-character slug that is not reserved; uniqueness is checked by the insert (retried on collision). */
export function generateSlug(): string {
  for (;;) {
    const slug = generate();
    if (!isReservedSlug(slug)) return slug;
  }
}
