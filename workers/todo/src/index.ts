import { createApp, createRouter, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { authenticateCaller, limitWrites, requireTodoScope } from "./auth";
import type { TodoEnv } from "./env";
import { tagsRouter } from "./routes/tags";
import { todosRouter } from "./routes/todos";

export { RateLimiter } from "@edgeworks/ratelimit";

const healthRoute = createRoute({
  method: "get",
  path: "/todo/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

// one guarded router, so authentication runs once per request and also answers unknown /v1 paths
const v1 = createRouter<TodoEnv>();
v1.use(authenticateCaller, requireTodoScope, limitWrites);
v1.route("/", todosRouter);
v1.route("/", tagsRouter);

const app = createApp<TodoEnv>();
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
app.route("/todo/v1", v1);
mountDocs(app, {
  prefix: "/todo",
  title: "Todo API",
  version: "1.0.0",
  description:
    "Personal todos with tags, due dates, priorities and manual ordering. Every route under `/todo/v1` needs a Bearer " +
    "access token (or an `ewk_` API key) with the `todo:read` scope for reads and `todo:write` for writes; writes are " +
    "rate limited per user (600/min, `RateLimit-*` headers). Errors are `application/problem+json` (RFC 9457).",
});

export default app;
