import { jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { findVisibleArticle } from "../articles.service";
import { addComment, deleteComment, findComment, listComments } from "../comments.service";
import { blogDb } from "../db";
import { authenticate, viewerOf } from "../product";
import { createRealWorldRouter, forbiddenError, notFoundError } from "./errors";
import { OPTIONAL_TOKEN_SECURITY, presentComment, rwErrorsFor, TOKEN_SECURITY } from "./present";
import { commentEnvelope, commentParams, commentsEnvelope, newCommentBody, slugParam } from "./validation";

const tags = ["Comments"];

const list = createRoute({
  operationId: "getArticleComments",
  method: "get",
  path: "/articles/{slug}/comments",
  tags,
  summary: "Comments of an article, oldest first (auth optional)",
  security: OPTIONAL_TOKEN_SECURITY,
  middleware: [authenticate({ required: false })],
  request: { params: slugParam },
  responses: { 200: jsonResponse(commentsEnvelope, "The comments"), ...rwErrorsFor(401, 404, 422) },
});
const create = createRoute({
  operationId: "createArticleComment",
  method: "post",
  path: "/articles/{slug}/comments",
  tags,
  summary: "Comment on an article",
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  request: { params: slugParam, body: jsonBody(newCommentBody) },
  responses: { 201: jsonResponse(commentEnvelope, "The new comment"), ...rwErrorsFor(401, 404, 413, 415, 422, 429, 503) },
});
const remove = createRoute({
  operationId: "deleteArticleComment",
  method: "delete",
  path: "/articles/{slug}/comments/{id}",
  tags,
  summary: "Delete your comment",
  security: TOKEN_SECURITY,
  middleware: [authenticate({ required: true })],
  request: { params: commentParams },
  responses: { 204: { description: "Deleted" }, ...rwErrorsFor(401, 403, 404, 422, 429, 503) },
});

export const commentsRouter = createRealWorldRouter()
  .openapi(list, async (c) => {
    const viewerId = c.var.viewer?.userId;
    const article = await findVisibleArticle(blogDb(c.env.DB), c.req.valid("param").slug, viewerId);
    if (!article) throw notFoundError("article");
    const comments = await listComments(blogDb(c.env.DB), article.id, viewerId);
    return c.json({ comments: comments.map(presentComment) }, 200);
  })
  .openapi(create, async (c) => {
    const viewer = viewerOf(c);
    const article = await findVisibleArticle(blogDb(c.env.DB), c.req.valid("param").slug, viewer.userId);
    if (!article) throw notFoundError("article");
    const id = await addComment(blogDb(c.env.DB), article.id, viewer.userId, c.req.valid("json").comment.body, Date.now());
    const comment = await findComment(blogDb(c.env.DB), article.id, id, viewer.userId);
    if (!comment) throw notFoundError("comment");
    return c.json({ comment: presentComment(comment) }, 201);
  })
  .openapi(remove, async (c) => {
    const viewer = viewerOf(c);
    const { slug, id } = c.req.valid("param");
    const article = await findVisibleArticle(blogDb(c.env.DB), slug, viewer.userId);
    if (!article) throw notFoundError("article");
    const comment = await findComment(blogDb(c.env.DB), article.id, id);
    if (!comment) throw notFoundError("comment");
    if (comment.authorId !== viewer.userId) throw forbiddenError("comment");
    await deleteComment(blogDb(c.env.DB), article.id, id, viewer.userId);
    return c.body(null, 204);
  });
