import { describeConformance, hostile, type SecurityRoute } from "@edgeworks/testing";
import { beforeAll, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";
import { call, createRoom, expectProblem, newUser, type Room, type User } from "./helpers";

/** Every authenticated route; ID, UID are the owner's room and member. */
const ROUTES: SecurityRoute[] = [
  { method: "GET", path: "/rooms", read: true },
  { method: "POST", path: "/rooms", body: { name: "x" }, read: false },
  { method: "POST", path: "/dm", body: { userId: "someone" }, read: false },
  { method: "POST", path: "/dm", body: { email: "someone@users.test" }, read: false },
  { method: "GET", path: "/rooms/ID", read: true },
  { method: "PATCH", path: "/rooms/ID", body: { name: "x" }, read: false },
  { method: "POST", path: "/rooms/ID/members", body: { userId: "someone" }, read: false },
  { method: "POST", path: "/rooms/ID/members", body: { email: "someone@users.test" }, read: false },
  { method: "PATCH", path: "/rooms/ID/members/UID", body: { role: "admin" }, read: false },
  { method: "DELETE", path: "/rooms/ID/members/UID", read: false },
  { method: "POST", path: "/rooms/ID/leave", read: false },
  { method: "GET", path: "/rooms/ID/messages", read: true },
  { method: "POST", path: "/rooms/ID/ticket", read: false },
  { method: "GET", path: "/rooms/ID/attachments/abc", read: true },
  { method: "GET", path: "/search?q=x", read: true },
  { method: "GET", path: "/presence?userIds=x", read: true },
  { method: "GET", path: "/notifications", read: true },
  { method: "GET", path: "/notifications/settings", read: true },
  { method: "PATCH", path: "/notifications/settings", body: { email: false }, read: false },
  { method: "GET", path: "/push/vapid-public-key", read: true },
  { method: "GET", path: "/push/subscriptions", read: true },
  { method: "POST", path: "/push/subscriptions", body: { endpoint: "https://p.example/x", keys: { p256dh: "x", auth: "y" } }, read: false },
  { method: "DELETE", path: "/push/subscriptions/abc", read: false },
];

let owner: User;
let member: User;
let room: Room;

beforeAll(async () => {
  owner = await newUser();
  member = await newUser();
  room = await createRoom(owner, [member], "Security");
});

describeConformance({
  name: "chat",
  origin: "http://chat.test",
  prefix: "/chat",
  worker,
  handlers: ["fetch", "queue"],
  durableObjects: ["RateLimiter", "ChatRoom", "Presence"],
  schema,
  security: {
    pathTricks: ["/rooms/..%2F..%2Fetc", "/rooms/a%00b", `/rooms/${"x".repeat(65)}`, "/rooms/%F0%9F%98%80"],
    routes: ROUTES,
    fill: (text) => text.replace("ID", room.id).replace("UID", member.id),
    owner: () => owner,
    // the room as its owner reads it, which must still be the room as created
    snapshot: async () => {
      const now = (await (await call("GET", `/rooms/${room.id}`, owner.token)).json()) as Room;
      expect(now).toEqual(room);
      return now;
    },
    hostile: {
      cases: [
        hostile.malformed(),
        hostile.textPlain('{"name":"x"}'),
        hostile.twoMiB(),
        hostile.tooLarge("a 100 KiB body", JSON.stringify({ name: "x".repeat(100 * 1024) })),
        hostile.invalid("a JSON array", "[]"),
        hostile.invalid("JSON null", "null"),
      ],
      deepNesting: [400, 413, 422],
      missingBody: () => true,
    },
    extend: {
      hostileBodies: () => {
        it.each([
          ["a lone surrogate", '{"name":"bad \\ud800"}'],
          ["NUL", '{"name":"a\\u0000b"}'],
        ])("%s in a room name is 422", async (_w, body) => {
          await expectProblem(await call("PATCH", `/rooms/${room.id}`, owner.token, body), 422, "validation_failed", ["name"]);
        });
      },
    },
  },
});
