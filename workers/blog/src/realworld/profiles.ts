import { jsonResponse } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { blogDb } from "../db";
import { authenticate, viewerOf } from "../product";
import { findProfileByUsername, follow, isFollowing, toProfile, unfollow } from "../profiles.service";
import { createRealWorldRouter, notFoundError, RealWorldError } from "./errors";
import { OPTIONAL_TOKEN_SECURITY, rwErrorsFor, TOKEN_SECURITY } from "./present";
import { profileEnvelope, usernameParam } from "./validation";

const tags = ["Profile"];
const profileResponse = jsonResponse(profileEnvelope, "The profile, with `following` for the caller");

const getProfile = createRoute({
  operationId: "getProfileByUsername",
  method: "get",
  path: "/profiles/{username}",
  tags,
  summary: "A profile (auth optional)",
  security: OPTIONAL_TOKEN_SECURITY,
  middleware: [authenticate({ required: false })],
  request: { params: usernameParam },
  responses: { 200: profileResponse, ...rwErrorsFor(401, 404, 422) },
});
const followRoute = (method: "post" | "delete") =>
  createRoute({
    operationId: method === "post" ? "followUserByUsername" : "unfollowUserByUsername",
    method,
    path: "/profiles/{username}/follow",
    tags,
    summary: method === "post" ? "Follow a user (idempotent)" : "Unfollow a user (idempotent)",
    security: TOKEN_SECURITY,
    middleware: [authenticate({ required: true })],
    request: { params: usernameParam },
    responses: { 200: profileResponse, ...rwErrorsFor(401, 404, 422, 429, 503) },
  });

export const profilesRouter = createRealWorldRouter()
  .openapi(getProfile, async (c) => {
    const row = await findProfileByUsername(blogDb(c.env.DB), c.req.valid("param").username);
    if (!row) throw notFoundError("profile");
    const following = await isFollowing(blogDb(c.env.DB), c.var.viewer?.userId, row.userId);
    return c.json({ profile: toProfile(row, following) }, 200);
  })
  .openapi(followRoute("post"), async (c) => {
    const viewer = viewerOf(c);
    const row = await findProfileByUsername(blogDb(c.env.DB), c.req.valid("param").username);
    if (!row) throw notFoundError("profile");
    if (row.userId === viewer.userId) throw new RealWorldError(422, "profile", "can't follow yourself");
    await follow(blogDb(c.env.DB), viewer.userId, row.userId, Date.now());
    return c.json({ profile: toProfile(row, true) }, 200);
  })
  .openapi(followRoute("delete"), async (c) => {
    const viewer = viewerOf(c);
    const row = await findProfileByUsername(blogDb(c.env.DB), c.req.valid("param").username);
    if (!row) throw notFoundError("profile");
    await unfollow(blogDb(c.env.DB), viewer.userId, row.userId);
    return c.json({ profile: toProfile(row, false) }, 200);
  });
