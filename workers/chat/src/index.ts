import { createApp, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { webRouter } from "./web/routes";

export { RateLimiter } from "@edgeworks/ratelimit";

const healthRoute = createRoute({
  method: "get",
  path: "/chat/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

const app = createApp<{ Bindings: Env }>();
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
app.route("/", webRouter);
mountDocs(app, { prefix: "/chat", title: "Chat API", version: "0.1.0", description: "Chat API." });

export default app;
