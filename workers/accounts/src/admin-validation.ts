import { idempotencyKeyHeaders, idParam, paginationQuery, queryBoolean } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { emailField } from "./fields";
import { roleField } from "./roles";

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });
const role = z.string().openapi({ example: "shop:admin" });
const grantedBy = z.string().openapi({
  description: 'The granting admin\'s user id, `"ADMIN_EMAILS"` (the bootstrap var) or `"cli"` (`pnpm admin:grant`)',
  example: "V1StGXR8_Z5jdHi6B-myT",
});

/** A user as the admin API shows it. */
export const adminUserSchema = z
  .object({
    id: z.string().openapi({ example: "V1StGXR8_Z5jdHi6B-myT" }),
    email: z.string().openapi({ example: "ann@example.com" }),
    emailVerified: z.boolean(),
    pendingEmail: z.string().nullable().openapi({ example: null }),
    roles: z.array(role).openapi({ description: "Sorted", example: ["shop:admin"] }),
  })
  .openapi("AdminUser");
export type AdminUser = z.infer<typeof adminUserSchema>;
export const adminUserList = z.object({ items: z.array(adminUserSchema) }).openapi("AdminUserList");

/** One role a user holds, with its grant. */
export const roleGrantSchema = z.object({ userId: z.string(), role, grantedBy, grantedAt: isoOut }).openapi("RoleGrant");
export type RoleGrant = z.infer<typeof roleGrantSchema>;
export const userRolesSchema = z.object({ userId: z.string(), items: z.array(roleGrantSchema) }).openapi("UserRoles");

/** A holder of a role, in the holders list. */
export const roleHolderSchema = z
  .object({ id: z.string(), email: z.string(), emailVerified: z.boolean(), grantedBy, grantedAt: isoOut })
  .openapi("RoleHolder");
export type RoleHolder = z.infer<typeof roleHolderSchema>;
export const roleHolderPage = z.object({ items: z.array(roleHolderSchema), nextCursor: z.string().nullable() }).openapi("RoleHolderPage");

export const findUsersQuery = z.object({
  email: emailField().openapi({ description: "The exact address (case and surrounding spaces ignored); pending addresses do not match" }),
});
export const userIdParams = z.object({ id: idParam("User id") });
const roleParam = () => roleField().openapi({ param: { name: "role", in: "path" } });
export const userRoleParams = z.object({ id: idParam("User id"), role: roleParam() });
export const roleParams = z.object({ role: roleParam() });
export const holdersQuery = z.object(paginationQuery);
export const revokeQuery = z.object({
  endSessions: queryBoolean().optional().openapi({
    description:
      "`true`: also end every session of the user (their refresh tokens stop working; accounts refuses their access tokens at once), for an account that may be compromised. Default `false`",
    example: "true",
  }),
});

export const mutationHeaders = idempotencyKeyHeaders({
  description: "Makes a retry within 24 hours return the first response (`Idempotent-Replayed: true`)",
  example: "grant-1",
});
