import { accountsDirectory } from "@edgeworks/auth";
import { createRouter } from "@edgeworks/http";
import { depsOf, type GatewayEnv } from "../product";
import { addMember, listMembers, removeMember, updateMember } from "../workspaces/members.service";
import { addMemberRoute, listMembersRoute, removeMemberRoute, updateMemberRoute } from "./members.openapi";

/** /workspaces/{ws}/members: who may see (viewer), change (admin) and manage (owner) the workspace. */
export const membersRouter = createRouter<GatewayEnv>()
  .openapi(listMembersRoute, async (c) => c.json(await listMembers(depsOf(c), accountsDirectory(c.env), c.req.valid("param").ws), 200))
  .openapi(addMemberRoute, async (c) => {
    const { ws } = c.req.valid("param");
    const member = await addMember(depsOf(c), accountsDirectory(c.env), ws, c.req.valid("json"));
    c.header("Location", `/gateway/v1/workspaces/${ws}/members/${member.userId}`);
    return c.json(member, 201);
  })
  .openapi(updateMemberRoute, async (c) => {
    const { ws, userId } = c.req.valid("param");
    return c.json(await updateMember(depsOf(c), accountsDirectory(c.env), ws, userId, c.req.valid("json")), 200);
  })
  .openapi(removeMemberRoute, async (c) => {
    const { ws, userId } = c.req.valid("param");
    await removeMember(depsOf(c), ws, userId);
    return c.body(null, 204);
  });
