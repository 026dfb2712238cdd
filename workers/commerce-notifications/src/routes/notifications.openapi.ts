import { errors, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { listNotificationsQuery, notificationSchema } from "../validation";

const notificationPage = pageSchema(notificationSchema).openapi("NotificationPage");

export const listNotificationsRoute = createRoute({
  operationId: "listNotifications",
  tags: ["Notifications"],
  security: [{ bearerAuth: [] }],
  method: "get",
  path: "/notifications",
  summary: "List my notifications",
  description:
    "The notices of the caller's orders (receipt, cancellation, refund) on each channel, sent or skipped with the reason; " +
    "newest first, keyset-paginated: pass the page's `nextCursor` as `cursor` for the next one.",
  request: { query: listNotificationsQuery },
  responses: { 200: jsonResponse(notificationPage, "A page of notifications"), ...errors(401, 403, 422) },
});
