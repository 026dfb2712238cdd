import { createRouter } from "@edgeworks/http";
import { listNotifications } from "../notifications.service";
import { type CommerceNotificationsEnv, depsOf } from "../product";
import { listNotificationsRoute } from "./notifications.openapi";

/** /notifications: the caller's notifications. */
export const notificationsRouter = createRouter<CommerceNotificationsEnv>().openapi(listNotificationsRoute, async (c) =>
  c.json(await listNotifications(depsOf(c), c.req.valid("query")), 200),
);
