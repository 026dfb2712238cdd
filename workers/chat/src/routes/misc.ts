import { createRouter } from "@edgeworks/http";
import { listNotifications } from "../notifications.service";
import { presenceOf } from "../presence.service";
import { type ChatEnv, depsOf } from "../product";
import { listSubscriptions, subscribe, unsubscribe } from "../push.service";
import { searchMessages } from "../search.service";
import { notificationSettingsRouter } from "./email";
import {
  listSubscriptionsRoute,
  myNotificationsRoute,
  presenceRoute,
  searchRoute,
  subscribeRoute,
  unsubscribeRoute,
  vapidKeyRoute,
} from "./misc.openapi";

/** Search, presence, Web Push subscriptions and notification settings. */
export const miscRouter = createRouter<ChatEnv>()
  .openapi(searchRoute, async (c) => c.json(await searchMessages(depsOf(c), c.req.valid("query")), 200))
  .openapi(presenceRoute, async (c) => c.json(await presenceOf(depsOf(c), c.req.valid("query").userIds), 200))
  .openapi(myNotificationsRoute, async (c) => c.json({ items: await listNotifications(c.env.DB, c.var.auth.userId, 100) }, 200))
  .openapi(vapidKeyRoute, (c) => c.json({ publicKey: c.env.VAPID_PUBLIC_KEY || null }, 200))
  .openapi(subscribeRoute, async (c) => {
    const { subscription, created } = await subscribe(depsOf(c), c.req.valid("json"));
    return created ? c.json(subscription, 201) : c.json(subscription, 200);
  })
  .openapi(listSubscriptionsRoute, async (c) => c.json(await listSubscriptions(depsOf(c)), 200))
  .openapi(unsubscribeRoute, async (c) => {
    await unsubscribe(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .route("/", notificationSettingsRouter);
