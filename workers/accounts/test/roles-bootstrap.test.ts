import { describe, expect, it } from "vitest";
import { call, login, register, verifyAddress, waitForMail } from "./helpers";
import { auditOf, claimsOf, refreshOf, rolesInDb } from "./roles-helpers";

// vitest.config.ts: ADMIN_EMAILS = " Root@Admin.test, verify@admin.test,,stranger@admin.test ,reset@admin.test,listed@admin.test,moved@admin.test"

describe("the first admins from ADMIN_EMAILS", () => {
  it("a listed address gets platform:admin when it is verified, recorded as granted by ADMIN_EMAILS", async () => {
    const owner = await register({ email: "verify@admin.test" });
    expect(claimsOf(owner.accessToken).roles).toBeUndefined();
    expect(await rolesInDb(owner.user.id)).toEqual([]);
    await verifyAddress(owner);
    expect(await rolesInDb(owner.user.id)).toEqual(["platform:admin"]);
    expect(await auditOf(owner.user.id)).toEqual([{ role: "platform:admin", action: "grant", actor: "ADMIN_EMAILS" }]);
    expect(claimsOf((await refreshOf(owner)).accessToken).roles).toEqual(["platform:admin"]);
    // a later login grants nothing twice
    await login(owner.user.email, owner.password);
    expect(await auditOf(owner.user.id)).toHaveLength(1);
  });

  it("matches the var's entries trimmed and case-insensitively", async () => {
    const root = await register({ email: "ROOT@admin.TEST" });
    await verifyAddress(root);
    expect(claimsOf((await refreshOf(root)).accessToken).roles).toEqual(["platform:admin"]);
  });

  it("a stranger who registers a listed address first never gets it: not at registration, login, refresh, nor through an API key", async () => {
    const stranger = await register({ email: "stranger@admin.test" });
    const again = await login("stranger@admin.test", stranger.password);
    expect(claimsOf(again.accessToken).roles).toBeUndefined();
    stranger.refreshToken = again.refreshToken;
    expect(claimsOf((await refreshOf(stranger)).accessToken).roles).toBeUndefined();
    expect(await rolesInDb(stranger.user.id)).toEqual([]);
    const res = await call("GET", "/admin/users?email=stranger@admin.test", stranger.accessToken);
    expect(res.status).toBe(403);
    expect(await auditOf(stranger.user.id)).toEqual([]);
  });

  it("a reset proves the address too: the next login grants it", async () => {
    const owner = await register({ email: "reset@admin.test" });
    expect((await call("POST", "/password/forgot", undefined, { email: "reset@admin.test" })).status).toBe(202);
    const mail = await waitForMail("reset@admin.test", "password_reset");
    const newPassword = "another long passphrase";
    expect((await call("POST", "/password/reset", undefined, { token: mail.payload.token, newPassword })).status).toBe(204);
    expect(await rolesInDb(owner.user.id)).toEqual([]);
    const session = await login("reset@admin.test", newPassword);
    expect(claimsOf(session.accessToken).roles).toEqual(["platform:admin"]);
    expect(await rolesInDb(owner.user.id)).toEqual(["platform:admin"]);
  });

  it("a change to a listed address grants it only when the new address is verified, not while it is pending", async () => {
    const ann = await register();
    await verifyAddress(ann);
    expect((await call("PATCH", "/me", ann.accessToken, { email: "moved@admin.test" })).status).toBe(200);
    expect(claimsOf((await refreshOf(ann)).accessToken).roles).toBeUndefined();
    expect(await rolesInDb(ann.user.id)).toEqual([]);
    const mail = await waitForMail("moved@admin.test", "email_verification");
    expect((await call("POST", "/email/verify", undefined, { token: mail.payload.token })).status).toBe(200);
    expect(claimsOf((await refreshOf(ann)).accessToken).roles).toEqual(["platform:admin"]);
  });

  it("an address that is not listed gets nothing when verified", async () => {
    const ann = await register();
    await verifyAddress(ann);
    expect(claimsOf((await refreshOf(ann)).accessToken).roles).toBeUndefined();
    expect(await rolesInDb(ann.user.id)).toEqual([]);
  });
});
