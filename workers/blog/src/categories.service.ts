// Categories: a blog-wide taxonomy (one per article), created by any author, deleted only by its creator.
import { and, asc, eq, sql } from "drizzle-orm";
import type { BlogDb } from "./db";
import { articles, categories } from "./schema";

export interface Category {
  id: number;
  slug: string;
  name: string;
  createdBy: string;
  articlesCount: number;
}

/** `Machine Learning!` → `machine-learning`; empty when the name has no letters or digits. */
export const categorySlugOf = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-") // runs collapse to one dash, so each end has at most one (no `-+$`: quadratic)
    .replace(/^-|-$/g, "")
    .slice(0, 64)
    .replace(/-$/, "");

/** Categories with how many published articles each has. */
const selectCategories = (db: BlogDb) =>
  db
    .select({
      id: categories.id,
      slug: categories.slug,
      name: categories.name,
      createdBy: categories.createdBy,
      articlesCount: db.$count(articles, and(eq(articles.categoryId, categories.id), eq(articles.status, "published"))),
    })
    .from(categories);

export async function findCategory(db: BlogDb, slug: string): Promise<Category | null> {
  return (await selectCategories(db).where(eq(categories.slug, slug)).get()) ?? null;
}

export async function listCategories(db: BlogDb): Promise<Category[]> {
  return selectCategories(db).orderBy(sql`${categories.name} COLLATE NOCASE`, asc(categories.slug));
}

/** Creates the category; null when its slug exists (the unique index decides races). */
export async function createCategory(db: BlogDb, name: string, userId: string, now: number): Promise<Category | null> {
  const slug = categorySlugOf(name);
  const res = await db
    .insert(categories)
    .values({ slug, name, createdBy: userId, createdAt: now })
    .onConflictDoNothing({ target: categories.slug });
  return res.meta.changes === 1 ? findCategory(db, slug) : null;
}

/** Deletes the category; its articles keep existing without one. */
export async function deleteCategory(db: BlogDb, id: number): Promise<void> {
  await db.batch([
    db.update(articles).set({ categoryId: null }).where(eq(articles.categoryId, id)),
    db.delete(categories).where(eq(categories.id, id)),
  ]);
}
