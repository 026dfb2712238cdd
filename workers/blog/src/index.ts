import { createApp, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";

export { RateLimiter } from "@edgeworks/ratelimit";

const healthRoute = createRoute({
  method: "get",
  path: "/blog/health",
  tags: ["Health"],
  summary: "Liveness check (no authentication)",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up") },
});

const app = createApp<{ Bindings: Env }>();
app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
mountDocs(app, { prefix: "/blog", title: "Blog API", version: "0.1.0", description: "Blog API." });

export default app;
