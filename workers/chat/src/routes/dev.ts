import { ApiError, createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { OpenEnv } from "../env";
import { listNotifications, notificationSchema } from "../notifications.service";
import { userIdField } from "../validation";

/** Development helpers; they answer 404 unless the DEV_MODE var is "true". */
const devOnly: MiddlewareHandler<OpenEnv> = async function devOnly(c, next) {
  if (c.env.DEV_MODE !== "true") throw new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  return next();
};

const outboxRoute = createRoute({
  tags: ["Development"],
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
devRouter.use("/dev/*", devOnly);
devRouter.openapi(outboxRoute, async (c) => {
  const { userId } = c.req.valid("query");
  const items = await listNotifications(c.env.DB, userId ?? null);
  return c.json({ items }, 200);
});
