import { onError, onNotFound } from "@edgeworks/http";
import type { Context } from "hono";
import { consumeNotifications } from "./notifications";
import { blog } from "./product";
import { articlesRouter } from "./realworld/articles";
import { commentsRouter } from "./realworld/comments";
import { createRealWorldRouter, RealWorldError, realWorldErrorResponse } from "./realworld/errors";
import { profilesRouter } from "./realworld/profiles";
import { usersRouter } from "./realworld/users";
import { v1ErrorResponse, v1Router } from "./v1/router";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ScheduledPublisher } from "./do/scheduled-publisher";

const API = "/blog/api";
const isRealWorld = (c: Context) => {
  const path = new URL(c.req.url).pathname;
  return path === API || path.startsWith(`${API}/`);
};
const isV1 = (c: Context) => new URL(c.req.url).pathname.startsWith("/blog/v1/");

// RealWorld routes (`/blog/api`): RealWorld's error shape; the rest of the Worker: problem+json.
const realworld = createRealWorldRouter();
realworld.route("/", usersRouter);
realworld.route("/", profilesRouter);
realworld.route("/", articlesRouter);
realworld.route("/", commentsRouter);

const { app } = blog;
app.onError((err, c) => (isRealWorld(c) ? realWorldErrorResponse(err, c) : isV1(c) ? v1ErrorResponse(err, c) : onError(err, c)));
app.notFound((c) => (isRealWorld(c) ? realWorldErrorResponse(new RealWorldError(404, "route", "not found"), c) : onNotFound(c)));
app.route(API, realworld);
// `/blog/v1` authenticates per route (optional viewer on reads), so its routes are on the open router
blog.open.route("/", v1Router);
app.openAPIRegistry.registerComponent("securitySchemes", "Token", {
  type: "apiKey",
  in: "header",
  name: "Authorization",
  description:
    "`Token <jwt>` (RealWorld) or `Bearer <jwt>`: an Edgeworks access token from register/login, or an `ewk_` API key with blog scopes",
});

export default blog.worker({ queue: consumeNotifications });
