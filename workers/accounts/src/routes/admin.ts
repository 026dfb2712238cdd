import { PLATFORM_ADMIN } from "@edgeworks/auth";
import { createRouter } from "@edgeworks/http";
import { findUsersByEmail, grantRole, listRoleHolders, listUserRoles, revokeRole } from "../admin.service";
import { type AccountsEnv, serviceDeps } from "../product";
import { requireRecentLogin } from "../reauth";
import { findUsersRoute, grantRoleRoute, revokeRoleRoute, roleHoldersRoute, userRolesRoute } from "./admin.openapi";

/** The admin API: platform roles, for callers holding `platform:admin` (see admin.openapi.ts for who may call what). */
export const adminRoutes = createRouter<AccountsEnv>();

/** The caller's login time in epoch ms (the token's `auth_time`), for the re-authentication rule. */
const loginMs = (authTime: number | undefined) => (authTime === undefined ? undefined : authTime * 1000);

adminRoutes
  .openapi(findUsersRoute, async (c) => c.json({ items: await findUsersByEmail(serviceDeps(c).db, c.req.valid("query").email) }, 200))
  .openapi(userRolesRoute, async (c) => c.json(await listUserRoles(serviceDeps(c).db, c.req.valid("param").id), 200))
  .openapi(grantRoleRoute, async (c) => {
    const deps = serviceDeps(c);
    const { id, role } = c.req.valid("param");
    requireRecentLogin(loginMs(c.var.auth.authTime), deps.now());
    const { created, grant } = await grantRole(deps, { actor: c.var.auth.userId, userId: id, role });
    return created ? c.json(grant, 201) : c.json(grant, 200);
  })
  .openapi(revokeRoleRoute, async (c) => {
    const deps = serviceDeps(c);
    const { id, role } = c.req.valid("param");
    if (role === PLATFORM_ADMIN) requireRecentLogin(loginMs(c.var.auth.authTime), deps.now());
    const { auth } = c.var;
    const endSessions = c.req.valid("query").endSessions ? { keep: auth.userId === id ? auth.sessionId : undefined } : undefined;
    await revokeRole(deps, { actor: auth.userId, userId: id, role, endSessions });
    return c.body(null, 204);
  })
  .openapi(roleHoldersRoute, async (c) =>
    c.json(await listRoleHolders(serviceDeps(c).db, c.req.valid("param").role, c.req.valid("query")), 200),
  );
