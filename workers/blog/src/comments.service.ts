// Comments on an article, oldest first.
import { and, asc, eq, exists, sql } from "drizzle-orm";
import type { BlogDb } from "./db";
import type { Profile } from "./profiles.service";
import { comments, follows, profiles } from "./schema";

export interface Comment {
  id: number;
  authorId: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  author: Profile;
}

/** The comments with their author's profile, as `viewerId` sees it ('' for anonymous, who follows nobody). */
const selectComments = (db: BlogDb, viewerId: string) =>
  db
    .select({
      id: comments.id,
      authorId: comments.authorId,
      body: comments.body,
      createdAt: comments.createdAt,
      updatedAt: comments.updatedAt,
      username: profiles.username,
      bio: profiles.bio,
      image: profiles.image,
      following: sql<number>`${exists(
        db
          .select({ one: sql`1` })
          .from(follows)
          .where(and(eq(follows.followerId, viewerId), eq(follows.followeeId, comments.authorId))),
      )}`,
    })
    .from(comments)
    .innerJoin(profiles, eq(profiles.userId, comments.authorId));

type CommentRow = Awaited<ReturnType<ReturnType<typeof selectComments>["all"]>>[number];

const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  authorId: r.authorId,
  body: r.body,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  author: { username: r.username, bio: r.bio, image: r.image, following: r.following === 1 },
});

export async function listComments(db: BlogDb, articleId: number, viewerId = ""): Promise<Comment[]> {
  const rows = await selectComments(db, viewerId).where(eq(comments.articleId, articleId)).orderBy(asc(comments.id));
  return rows.map(toComment);
}

export async function findComment(db: BlogDb, articleId: number, id: number, viewerId = ""): Promise<Comment | null> {
  const row = await selectComments(db, viewerId)
    .where(and(eq(comments.articleId, articleId), eq(comments.id, id)))
    .get();
  return row ? toComment(row) : null;
}

export async function addComment(db: BlogDb, articleId: number, authorId: string, body: string, now: number): Promise<number> {
  const row = await db
    .insert(comments)
    .values({ articleId, authorId, body, createdAt: now, updatedAt: now })
    .returning({ id: comments.id })
    .get();
  return row.id;
}

/** Deletes the author's own comment (the author check is part of the statement). */
export async function deleteComment(db: BlogDb, articleId: number, id: number, authorId: string): Promise<void> {
  await db.delete(comments).where(and(eq(comments.articleId, articleId), eq(comments.id, id), eq(comments.authorId, authorId)));
}
