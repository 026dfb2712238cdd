import { createRouter, devOnly, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { listNotifications, notificationSchema } from "../notifications.service";
import type { OpenEnv } from "../product";
import { userIdField } from "../validation";

const outboxRoute = createRoute({
  operationId: "listDevOutbox",
  tags: ["Development"],
  // no credentials: the route exists only when DEV_MODE is "true"
  security: [],
  method: "get",
  path: "/dev/outbox",
  summary: "Notifications queued for offline members (dev only)",
  description: 'Newest first, optionally for one user. Exists only when `DEV_MODE` is `"true"`; otherwise 404.',
  request: { query: z.object({ userId: userIdField().optional() }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(notificationSchema) }), "Notifications"),
    ...errors(404, 422),
  },
});

export const devRouter = createRouter<OpenEnv>();
// development helpers: 404 unless the DEV_MODE var is "true"
devRouter.use("/dev/*", devOnly());
devRouter.openapi(outboxRoute, async (c) => {
  const { userId } = c.req.valid("query");
  const items = await listNotifications(c.env.DB, userId ?? null);
  return c.json({ items }, 200);
});
