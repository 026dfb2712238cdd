import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { expect } from "vitest";
import { call, registerVerified, type SessionBody, type TestUser } from "./helpers";

/** The payload of an access token. */
export const claimsOf = (token: string) => decodeJwt(token);

/** Puts a role straight into the database (setup; the admin API is what the tests exercise). */
export async function grantInDb(userId: string, role: string, by = "test"): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO user_roles (user_id, role, granted_by, granted_at) VALUES (?, ?, ?, ?)")
    .bind(userId, role, by, Date.now())
    .run();
}

/** A verified user holding `platform:admin` (in the database), with a fresh login (auth_time now). */
export async function newAdmin(): Promise<TestUser> {
  const admin = await registerVerified();
  await grantInDb(admin.user.id, "platform:admin");
  return admin;
}

/** Exchanges the user's refresh token (asserting 200) and returns the new session; the user object is updated in place. */
export async function refreshOf(user: TestUser): Promise<SessionBody> {
  const res = await call("POST", "/refresh", undefined, { refreshToken: user.refreshToken });
  expect(res.status).toBe(200);
  const session = (await res.json()) as SessionBody;
  user.refreshToken = session.refreshToken;
  user.accessToken = session.accessToken;
  return session;
}

/** Moves the start of the user's session (its login) `ms` into the past, and refreshes so the access token says so. */
export async function ageLogin(user: TestUser, ms: number): Promise<void> {
  await env.DB.prepare("UPDATE sessions SET created_at = created_at - ? WHERE id = ?").bind(ms, user.sessionId).run();
  await refreshOf(user);
}

/** The user's roles in the database, sorted. */
export async function rolesInDb(userId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role").bind(userId).all<{ role: string }>();
  return rows.results.map((r) => r.role);
}

/** The audit trail of a user, oldest first. */
export async function auditOf(userId: string): Promise<{ role: string; action: string; actor: string }[]> {
  const rows = await env.DB.prepare("SELECT role, action, actor FROM role_audit WHERE user_id = ? ORDER BY created_at, rowid")
    .bind(userId)
    .all<{ role: string; action: string; actor: string }>();
  return rows.results;
}

/** The admin API path of a user's role. */
export const rolePath = (userId: string, role: string) => `/admin/users/${userId}/roles/${role}`;
