import { ApiError, createRouter, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { OpenEnv } from "../env";
import { userIdField } from "../validation";

/** Development helpers; they answer 404 unless the DEV_MODE var is "true". */
const devOnly: MiddlewareHandler<OpenEnv> = async function devOnly(c, next) {
  if (c.env.DEV_MODE !== "true") throw new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  return next();
};

const notificationSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    roomId: z.string(),
    messageId: z.string(),
    senderId: z.string(),
    body: z.string().openapi({ description: "The JSON payload (also what Web Push sends)" }),
    pushed: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Notification");

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
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM notifications WHERE (?1 IS NULL OR user_id = ?1) ORDER BY created_at DESC, id LIMIT 200",
  )
    .bind(userId ?? null)
    .all<Record<string, string | number>>();
  const items = results.map((r) => ({
    id: String(r.id),
    userId: String(r.user_id),
    roomId: String(r.room_id),
    messageId: String(r.message_id),
    senderId: String(r.sender_id),
    body: String(r.body),
    pushed: r.pushed === 1,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
  return c.json({ items }, 200);
});
