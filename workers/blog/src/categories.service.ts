// Categories: a blog-wide taxonomy (one per article), created by any author, deleted only by its creator.

export interface Category {
  id: number;
  slug: string;
  name: string;
  createdBy: string;
  articlesCount: number;
}

interface CategoryRow {
  id: number;
  slug: string;
  name: string;
  created_by: string;
  articles_count: number;
}

const toCategory = (r: CategoryRow): Category => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  createdBy: r.created_by,
  articlesCount: r.articles_count,
});

const SELECT = `SELECT c.id, c.slug, c.name, c.created_by,
  (SELECT COUNT(*) FROM articles a WHERE a.category_id = c.id AND a.status = 'published') AS articles_count FROM categories c`;

/** `Machine Learning!` → `machine-learning`; empty when the name has no letters or digits. */
export const categorySlugOf = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/g, "");

export async function findCategory(db: D1Database, slug: string): Promise<Category | null> {
  const row = await db.prepare(`${SELECT} WHERE c.slug = ?1`).bind(slug).first<CategoryRow>();
  return row ? toCategory(row) : null;
}

export async function listCategories(db: D1Database): Promise<Category[]> {
  const { results } = await db.prepare(`${SELECT} ORDER BY c.name COLLATE NOCASE, c.slug`).all<CategoryRow>();
  return results.map(toCategory);
}

/** Creates the category; null when its slug exists (the unique index decides races). */
export async function createCategory(db: D1Database, name: string, userId: string, now: number): Promise<Category | null> {
  const slug = categorySlugOf(name);
  const res = await db
    .prepare("INSERT INTO categories (slug, name, created_by, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (slug) DO NOTHING")
    .bind(slug, name, userId, now)
    .run();
  return res.meta.changes === 1 ? findCategory(db, slug) : null;
}

/** Deletes the category; its articles keep existing without one. */
export async function deleteCategory(db: D1Database, id: number): Promise<void> {
  await db.batch([
    db.prepare("UPDATE articles SET category_id = NULL WHERE category_id = ?1").bind(id),
    db.prepare("DELETE FROM categories WHERE id = ?1").bind(id),
  ]);
}
