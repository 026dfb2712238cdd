import { requireScope } from "@edgeworks/auth";
import { errors, idempotency, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  adminUserList,
  findUsersQuery,
  holdersQuery,
  mutationHeaders,
  revokeQuery,
  roleGrantSchema,
  roleHolderPage,
  roleParams,
  userIdParams,
  userRoleParams,
  userRolesSchema,
} from "../admin-validation";
import { type AccountsEnv, requireAuth, requirePlatformAdmin, requireSession } from "../product";

/** The scope an API key needs for the admin API's reads (session tokens carry `*`). */
export const ADMIN_SCOPE = "account:admin";

const base = { tags: ["Admin"], security: [{ bearerAuth: [] }] };
const WHO =
  "Needs the `platform:admin` role, checked in accounts' database at every request (a revoked admin is refused at once, whatever the token says): 403 otherwise. ";
const requireAdminScope = requireScope(ADMIN_SCOPE);
// the caller is known (requireAuth) before idempotency() keys the request by user
const idempotent = idempotency<AccountsEnv>({ database: (env) => env.DB });
const REAUTH =
  "Needs an access token from a session (an API key is 403) whose login (`auth_time`) was within the last 5 minutes (403 otherwise: log in again). ";
const IDEMPOTENT = "With `Idempotency-Key`, a retry within 24 h gets the first response again (`Idempotent-Replayed: true`).";
const replayed = z.object({ "Idempotent-Replayed": z.string().optional().openapi({ description: "`true` on a replayed response" }) });

export const findUsersRoute = createRoute({
  ...base,
  operationId: "findUsers",
  method: "get",
  path: "/admin/users",
  summary: "Find a user by email",
  description: `${WHO}API keys need the \`${ADMIN_SCOPE}\` scope (or \`*\`). The exact address, case ignored; zero or one item.`,
  middleware: [requireAuth, requireAdminScope, requirePlatformAdmin] as const,
  request: { query: findUsersQuery },
  responses: { 200: jsonResponse(adminUserList, "The matching user, if any"), ...errors(401, 403, 422) },
});

export const userRolesRoute = createRoute({
  ...base,
  operationId: "listUserRoles",
  method: "get",
  path: "/admin/users/{id}/roles",
  summary: "A user's roles",
  description: `${WHO}API keys need the \`${ADMIN_SCOPE}\` scope. Each role with who granted it and when. Unknown user: 404.`,
  middleware: [requireAuth, requireAdminScope, requirePlatformAdmin] as const,
  request: { params: userIdParams },
  responses: { 200: jsonResponse(userRolesSchema, "The user's roles, sorted"), ...errors(401, 403, 404, 422) },
});

export const grantRoleRoute = createRoute({
  ...base,
  operationId: "grantRole",
  method: "put",
  path: "/admin/users/{id}/roles/{role}",
  summary: "Grant a role",
  description:
    `${WHO}${REAUTH}201 when the role is new, 200 when the user already held it (the first grant is kept). ` +
    "Unknown user 404; an unverified address 409 (whoever registered it may not own it); at most 20 roles per user (409). " +
    "The user's access tokens carry it from their next login or refresh; their API keys at once. Recorded in the audit trail. " +
    IDEMPOTENT,
  middleware: [requireAuth, requireAdminScope, requireSession, requirePlatformAdmin, idempotent] as const,
  request: { params: userRoleParams, headers: mutationHeaders },
  responses: {
    200: { description: "Already held", headers: replayed, content: { "application/json": { schema: roleGrantSchema } } },
    201: { description: "Granted", headers: replayed, content: { "application/json": { schema: roleGrantSchema } } },
    ...errors(401, 403, 404, 409, 413, 422),
  },
});

export const revokeRoleRoute = createRoute({
  ...base,
  operationId: "revokeRole",
  method: "delete",
  path: "/admin/users/{id}/roles/{role}",
  summary: "Revoke a role",
  description:
    `${WHO}Needs an access token from a session (an API key is 403); revoking \`platform:admin\` also needs a login within the last 5 minutes (403). ` +
    "A role the user does not hold (or an unknown user) is 404. The last `platform:admin` cannot be revoked (409), nor one an `ADMIN_EMAILS` address holds (409: remove it from the var). " +
    "Takes effect at once in accounts and for API keys; tokens already issued keep the role until they expire (tokens with roles live 5 minutes) and the next refresh drops it; the sessions go on unless `endSessions=true` ends them all (the caller's own excepted). " +
    `Recorded in the audit trail. ${IDEMPOTENT}`,
  middleware: [requireAuth, requireAdminScope, requireSession, requirePlatformAdmin, idempotent] as const,
  request: { params: userRoleParams, query: revokeQuery, headers: mutationHeaders },
  responses: { 204: { description: "Revoked", headers: replayed }, ...errors(401, 403, 404, 409, 413, 422) },
});

export const roleHoldersRoute = createRoute({
  ...base,
  operationId: "listRoleHolders",
  method: "get",
  path: "/admin/roles/{role}/users",
  summary: "Who holds a role",
  description: `${WHO}API keys need the \`${ADMIN_SCOPE}\` scope. By user id. A role nobody holds is 404.`,
  middleware: [requireAuth, requireAdminScope, requirePlatformAdmin] as const,
  request: { params: roleParams, query: holdersQuery },
  responses: { 200: jsonResponse(roleHolderPage, "One page of holders"), ...errors(401, 403, 404, 422) },
});
