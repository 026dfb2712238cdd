import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { notificationSchema } from "../notifications.service";
import {
  presenceQuery,
  presenceSchema,
  pushSubscriptionBody,
  pushSubscriptionSchema,
  searchQuery,
  searchResultSchema,
  subscriptionParams,
} from "../validation";

const security = [{ bearerAuth: [] }];

export const searchRoute = createRoute({
  operationId: "searchMessages",
  tags: ["Search"],
  security,
  method: "get",
  path: "/search",
  summary: "Search messages in my rooms",
  description:
    "Every word must match (the last as a prefix); operators are not interpreted. Only rooms I am a member of now. " +
    "The index is fed through a Queue, so a message is findable a moment after it is sent.",
  request: { query: searchQuery },
  responses: { 200: jsonResponse(searchResultSchema, "Matches, best first"), ...errors(401, 403, 422) },
});

export const presenceRoute = createRoute({
  operationId: "getPresence",
  tags: ["Presence"],
  security,
  method: "get",
  path: "/presence",
  summary: "Who is online",
  description: "Online = at least one open socket in any room on any device. Users sharing no room with me are reported offline.",
  request: { query: presenceQuery },
  responses: { 200: jsonResponse(presenceSchema, "One entry per requested user, in order"), ...errors(401, 403, 422) },
});

export const vapidKeyRoute = createRoute({
  operationId: "getVapidPublicKey",
  tags: ["Notifications"],
  security,
  method: "get",
  path: "/push/vapid-public-key",
  summary: "The VAPID public key for PushManager.subscribe",
  responses: {
    200: jsonResponse(
      z.object({ publicKey: z.string().nullable().openapi({ description: "null: Web Push is not configured" }) }),
      "The key",
    ),
    ...errors(401, 403),
  },
});

export const subscribeRoute = createRoute({
  operationId: "createPushSubscription",
  tags: ["Notifications"],
  security,
  method: "post",
  path: "/push/subscriptions",
  summary: "Register a Web Push subscription",
  description: "The browser's PushSubscription JSON. The endpoint must be https. Registering the same endpoint again returns it (200).",
  request: { body: jsonBody(pushSubscriptionBody) },
  responses: {
    200: jsonResponse(pushSubscriptionSchema, "Already registered"),
    201: jsonResponse(pushSubscriptionSchema, "Registered"),
    ...errors(400, 401, 403, 413, 415, 422, 429),
  },
});

export const listSubscriptionsRoute = createRoute({
  operationId: "listPushSubscriptions",
  tags: ["Notifications"],
  security,
  method: "get",
  path: "/push/subscriptions",
  summary: "My Web Push subscriptions",
  responses: { 200: jsonResponse(z.object({ items: z.array(pushSubscriptionSchema) }), "Subscriptions"), ...errors(401, 403) },
});

export const unsubscribeRoute = createRoute({
  operationId: "deletePushSubscription",
  tags: ["Notifications"],
  security,
  method: "delete",
  path: "/push/subscriptions/{id}",
  summary: "Remove a Web Push subscription",
  request: { params: subscriptionParams },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 422, 429) },
});

export const myNotificationsRoute = createRoute({
  operationId: "listNotifications",
  tags: ["Notifications"],
  security,
  method: "get",
  path: "/notifications",
  summary: "My notifications",
  description:
    "What was recorded for me while I was offline (newest first, up to 100): the same payloads Web Push delivers. " +
    "Recorded by the notification Queue consumer a moment after the message.",
  responses: { 200: jsonResponse(z.object({ items: z.array(notificationSchema) }), "Notifications"), ...errors(401, 403) },
});
