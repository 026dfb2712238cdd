import { createApp, DEFAULT_BODY_LIMIT, jsonResponse, mountDocs, onError, onNotFound } from "@edgeworks/http";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { BlogEnv } from "./env";
import { consumeNotifications } from "./notifications";
import { articlesRouter } from "./realworld/articles";
import { commentsRouter } from "./realworld/comments";
import { RealWorldError, realWorldErrorResponse, realWorldHook } from "./realworld/errors";
import { profilesRouter } from "./realworld/profiles";
import { usersRouter } from "./realworld/users";
import { AVATAR_MAX_BYTES } from "./v1/avatars";
import { v1ErrorResponse, v1Router } from "./v1/router";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ScheduledPublisher } from "./do/scheduled-publisher";

const healthRoute = createRoute({
  method: "get",
  path: "/blog/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

const API = "/blog/api";
const isRealWorld = (c: Context) => {
  const path = new URL(c.req.url).pathname;
  return path === API || path.startsWith(`${API}/`);
};
const isV1 = (c: Context) => new URL(c.req.url).pathname.startsWith("/blog/v1/");

// RealWorld routes (`/blog/api`): RealWorld's error shape; the rest of the Worker: problem+json.
const realworld = new OpenAPIHono<BlogEnv>({ defaultHook: realWorldHook as never });
realworld.route("/", usersRouter);
realworld.route("/", profilesRouter);
realworld.route("/", articlesRouter);
realworld.route("/", commentsRouter);

// 2 MiB for avatar uploads; every other body keeps the platform's 1 MiB
const app = createApp<BlogEnv>({
  maxBodyBytes: DEFAULT_BODY_LIMIT,
  uploads: { maxBytes: AVATAR_MAX_BYTES, when: (c) => c.req.path === "/blog/v1/user/avatar" },
});
app.onError((err, c) => (isRealWorld(c) ? realWorldErrorResponse(err, c) : isV1(c) ? v1ErrorResponse(err, c) : onError(err, c)));
app.notFound((c) => (isRealWorld(c) ? realWorldErrorResponse(new RealWorldError(404, "route", "not found"), c) : onNotFound(c)));
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
app.route(API, realworld);
app.route("/blog/v1", v1Router);
app.openAPIRegistry.registerComponent("securitySchemes", "Token", {
  type: "apiKey",
  in: "header",
  name: "Authorization",
  description:
    "`Token <jwt>` (RealWorld) or `Bearer <jwt>`: an Edgeworks access token from register/login, or an `ewk_` API key with blog scopes",
});
mountDocs(app, {
  prefix: "/blog",
  title: "Blog API",
  version: "1.0.0",
  description:
    'A RealWorld (Conduit) compatible blog. `/blog/api/...` is the RealWorld API exactly (errors `{"errors": {field: [message]}}`); ' +
    "accounts are Edgeworks accounts (workers/accounts), so one login works in every product. `/blog/v1/...` adds drafts, " +
    "scheduled publishing, categories, full-text search, likes, RSS/Atom feeds and avatars (errors: problem+json).",
});

export default {
  fetch: app.fetch,
  queue: consumeNotifications,
} satisfies ExportedHandler<Env>;
