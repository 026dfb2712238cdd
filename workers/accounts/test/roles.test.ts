import { exports } from "cloudflare:workers";
import type { VerifiedApiKey } from "@edgeworks/auth";
import { describe, expect, it } from "vitest";
import { call, createKey, login, register, registerVerified } from "./helpers";
import { ageLogin, claimsOf, grantInDb, newAdmin, refreshOf, rolePath } from "./roles-helpers";

/** The RPC surface of the accounts entrypoint, as a product sees it through its service binding. */
const rpc = (exports as unknown as { default: { verifyApiKey(key: string): Promise<VerifiedApiKey | null> } }).default;

describe("the roles claim of access tokens", () => {
  it("is absent for a user without roles, whose tokens live 15 minutes", async () => {
    const ann = await register();
    const claims = claimsOf(ann.accessToken);
    expect(claims.roles).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
  });

  it("appears, sorted, at the next refresh after a grant; such tokens live 5 minutes", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    expect(claimsOf(bob.accessToken).roles).toBeUndefined();
    expect((await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(201);
    expect((await call("PUT", rolePath(bob.user.id, "blog:editor"), admin.accessToken)).status).toBe(201);
    // the token already issued does not change
    expect(claimsOf(bob.accessToken).roles).toBeUndefined();
    const session = await refreshOf(bob);
    const claims = claimsOf(session.accessToken);
    expect(claims.roles).toEqual(["blog:editor", "shop:admin"]);
    expect(session.expiresIn).toBe(300);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    // a login carries them too
    const fresh = await login(bob.user.email, bob.password);
    expect(claimsOf(fresh.accessToken).roles).toEqual(["blog:editor", "shop:admin"]);
  });

  it("loses a revoked role at the next refresh, and the session goes on", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    await grantInDb(bob.user.id, "shop:admin");
    await grantInDb(bob.user.id, "saas:admin");
    expect(claimsOf((await refreshOf(bob)).accessToken).roles).toEqual(["saas:admin", "shop:admin"]);
    expect((await call("DELETE", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(204);
    expect(claimsOf((await refreshOf(bob)).accessToken).roles).toEqual(["saas:admin"]);
    expect((await call("DELETE", rolePath(bob.user.id, "saas:admin"), admin.accessToken)).status).toBe(204);
    const session = await refreshOf(bob);
    expect(claimsOf(session.accessToken).roles).toBeUndefined();
    expect(session.expiresIn).toBe(900);
  });

  it("with endSessions=true the revoke also ends every session of the user (a compromised account)", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    await grantInDb(bob.user.id, "shop:admin");
    const other = await login(bob.user.email, bob.password);
    expect((await call("DELETE", `${rolePath(bob.user.id, "shop:admin")}?endSessions=maybe`, admin.accessToken)).status).toBe(422);
    expect((await call("DELETE", `${rolePath(bob.user.id, "shop:admin")}?endSessions=true`, admin.accessToken)).status).toBe(204);
    for (const refreshToken of [bob.refreshToken, other.refreshToken]) {
      expect((await call("POST", "/refresh", undefined, { refreshToken })).status).toBe(401);
    }
    expect((await call("GET", "/me", bob.accessToken)).status).toBe(401);
    // the admin's own session is untouched
    expect((await call("GET", "/me", admin.accessToken)).status).toBe(200);
  });

  it("an admin ending their own sessions with their own role keeps the session they act from", async () => {
    const admin = await newAdmin();
    await grantInDb(admin.user.id, "shop:admin");
    const elsewhere = await login(admin.user.email, admin.password);
    expect((await call("DELETE", `${rolePath(admin.user.id, "shop:admin")}?endSessions=true`, admin.accessToken)).status).toBe(204);
    expect((await call("POST", "/refresh", undefined, { refreshToken: elsewhere.refreshToken })).status).toBe(401);
    expect(claimsOf((await refreshOf(admin)).accessToken).roles).toEqual(["platform:admin"]);
  });

  it("is refused by accounts' admin API when the database says otherwise (a forged or stale claim counts for nothing)", async () => {
    const admin = await newAdmin();
    const target = await registerVerified();
    await ageLogin(admin, 0);
    expect(claimsOf(admin.accessToken).roles).toEqual(["platform:admin"]);
    // another admin revokes this one: their token still says platform:admin, accounts refuses at once
    const other = await newAdmin();
    expect((await call("DELETE", rolePath(admin.user.id, "platform:admin"), other.accessToken)).status).toBe(204);
    const res = await call("PUT", rolePath(target.user.id, "shop:admin"), admin.accessToken);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toBe('This action needs the "platform:admin" role');
  });
});

describe("API keys carry their owner's current roles", () => {
  it("verifyApiKey answers the roles, and a grant or revoke counts at the key's next use", async () => {
    const carol = await registerVerified();
    const key = await createKey(carol, { name: "ops", scopes: ["shop:read"] });
    expect(await rpc.verifyApiKey(key.key)).toEqual({ userId: carol.user.id, scopes: ["shop:read"], roles: [] });
    await grantInDb(carol.user.id, "shop:admin");
    await grantInDb(carol.user.id, "blog:editor");
    expect(await rpc.verifyApiKey(key.key)).toEqual({ userId: carol.user.id, scopes: ["shop:read"], roles: ["blog:editor", "shop:admin"] });
    const admin = await newAdmin();
    expect((await call("DELETE", rolePath(carol.user.id, "shop:admin"), admin.accessToken)).status).toBe(204);
    expect((await rpc.verifyApiKey(key.key))?.roles).toEqual(["blog:editor"]);
  });

  it("an admin's key with the account:admin scope reads the admin API; a key without it is 403", async () => {
    const admin = await newAdmin();
    const reader = await createKey(admin, { name: "admin reads", scopes: ["account:admin"] });
    const res = await call("GET", `/admin/roles/platform:admin/users`, reader.key);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(admin.user.id);
    const other = await createKey(admin, { name: "profile", scopes: ["account:read"] });
    const refused = await call("GET", `/admin/roles/platform:admin/users`, other.key);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toBe('This credential lacks the "account:admin" scope');
  });
});
