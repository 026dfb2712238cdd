import { createRouter } from "@edgeworks/http";
import { roomStub } from "../deps";
import { listRooms } from "../list-rooms.service";
import { addMember, leaveRoom, removeMember, updateMember } from "../members.service";
import { type ChatEnv, depsOf } from "../product";
import { createRoom, getRoomOrThrow, loadMembershipOrThrow, openDm, renameRoom, type UserRef } from "../rooms.service";
import {
  addMemberRoute,
  createRoomRoute,
  getRoomRoute,
  historyRoute,
  leaveRoomRoute,
  listRoomsRoute,
  openDmRoute,
  removeMemberRoute,
  renameRoomRoute,
  ticketRoute,
  updateMemberRoute,
} from "./rooms.openapi";

/** The validated `{userId}` or `{email}` (the schema guarantees exactly one). */
const toUserRef = (body: { userId?: string; email?: string }): UserRef =>
  body.email !== undefined ? { email: body.email } : { userId: body.userId as string };

/** Rooms, members, history and tickets. Handlers validate (route schemas), call a service, shape the response. */
export const roomsRouter = createRouter<ChatEnv>()
  .openapi(createRoomRoute, async (c) => {
    const room = await createRoom(depsOf(c), c.req.valid("json"));
    c.header("Location", `/chat/v1/rooms/${room.id}`);
    return c.json(room, 201);
  })
  .openapi(openDmRoute, async (c) => {
    const { room, created } = await openDm(depsOf(c), toUserRef(c.req.valid("json")));
    c.header("Location", `/chat/v1/rooms/${room.id}`);
    return created ? c.json(room, 201) : c.json(room, 200);
  })
  .openapi(listRoomsRoute, async (c) => c.json(await listRooms(depsOf(c), c.req.valid("query")), 200))
  .openapi(getRoomRoute, async (c) => c.json(await getRoomOrThrow(depsOf(c), c.req.valid("param").id), 200))
  .openapi(renameRoomRoute, async (c) => c.json(await renameRoom(depsOf(c), c.req.valid("param").id, c.req.valid("json").name), 200))
  .openapi(addMemberRoute, async (c) => {
    const { role, ...ref } = c.req.valid("json");
    return c.json(await addMember(depsOf(c), c.req.valid("param").id, { ...toUserRef(ref), role }), 201);
  })
  .openapi(updateMemberRoute, async (c) => {
    const { id, userId } = c.req.valid("param");
    return c.json(await updateMember(depsOf(c), id, userId, c.req.valid("json").role), 200);
  })
  .openapi(removeMemberRoute, async (c) => {
    const { id, userId } = c.req.valid("param");
    await removeMember(depsOf(c), id, userId);
    return c.body(null, 204);
  })
  .openapi(leaveRoomRoute, async (c) => {
    await leaveRoom(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(historyRoute, async (c) => {
    const { id } = c.req.valid("param");
    await loadMembershipOrThrow(depsOf(c), id);
    const { before, limit } = c.req.valid("query");
    return c.json(await roomStub(c.env, id).history(id, before ?? null, limit), 200);
  })
  .openapi(ticketRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deps = depsOf(c);
    await loadMembershipOrThrow(deps, id);
    const { ticket, expiresAt } = await roomStub(c.env, id).issueTicket(id, deps.userId);
    c.header("Cache-Control", "no-store");
    return c.json({ ticket, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });
