// Comments on an article, oldest first.
import type { Profile } from "./profiles.service";

interface CommentRow {
  id: number;
  author_id: string;
  body: string;
  created_at: number;
  updated_at: number;
  username: string;
  bio: string | null;
  image: string | null;
  following: number;
}

export interface Comment {
  id: number;
  authorId: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  author: Profile;
}

const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  authorId: r.author_id,
  body: r.body,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  author: { username: r.username, bio: r.bio, image: r.image, following: r.following === 1 },
});

const SELECT = `SELECT c.id, c.author_id, c.body, c.created_at, c.updated_at, p.username, p.bio, p.image,
  EXISTS (SELECT 1 FROM follows w WHERE w.follower_id = ?1 AND w.followee_id = c.author_id) AS following
FROM comments c JOIN profiles p ON p.user_id = c.author_id`;

export async function listComments(db: D1Database, articleId: number, viewerId = ""): Promise<Comment[]> {
  const { results } = await db.prepare(`${SELECT} WHERE c.article_id = ?2 ORDER BY c.id`).bind(viewerId, articleId).all<CommentRow>();
  return results.map(toComment);
}

export async function findComment(db: D1Database, articleId: number, id: number, viewerId = ""): Promise<Comment | null> {
  const row = await db.prepare(`${SELECT} WHERE c.article_id = ?2 AND c.id = ?3`).bind(viewerId, articleId, id).first<CommentRow>();
  return row ? toComment(row) : null;
}

export async function addComment(db: D1Database, articleId: number, authorId: string, body: string, now: number): Promise<number> {
  const row = await db
    .prepare("INSERT INTO comments (article_id, author_id, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id")
    .bind(articleId, authorId, body, now)
    .first<{ id: number }>();
  if (!row) throw new Error("insert returned no id");
  return row.id;
}

/** Deletes the author's own comment (the author check is part of the statement). */
export async function deleteComment(db: D1Database, articleId: number, id: number, authorId: string): Promise<void> {
  await db.prepare("DELETE FROM comments WHERE article_id = ?1 AND id = ?2 AND author_id = ?3").bind(articleId, id, authorId).run();
}
