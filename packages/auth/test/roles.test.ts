import { createApp } from "@edgeworks/http";
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TEST_PUBLIC_JWKS } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import {
  type AuthVariables,
  authenticate,
  createTokenVerifier,
  hasRole,
  isRoleName,
  type Principal,
  requireRole,
  rolesFrom,
  verifyWithAccounts,
} from "../src";

const principal = (roles?: string[]): Principal => ({ userId: "u", scopes: ["*"], method: "jwt", ...(roles ? { roles } : {}) });

describe("role names", () => {
  it.each([
    ["shop:admin", true],
    ["platform:admin", true],
    ["saas-2:billing-admin", true],
    [`${"a".repeat(32)}:${"b".repeat(32)}`, true],
    [`${"a".repeat(33)}:b`, false],
    ["Shop:admin", false],
    ["shop", false],
    ["shop:", false],
    [":admin", false],
    ["shop:admin:x", false],
    ["1shop:admin", false],
    ["shop:adm\u0131n", false],
    ["*", false],
    ["a".repeat(100_000), false],
  ])("%s → %s", (name, ok) => expect(isRoleName(name)).toBe(ok));

  it("rolesFrom keeps well-formed names, deduplicated and sorted; anything else is no roles", () => {
    expect(rolesFrom(["shop:admin", 42, "Bad Role", "blog:editor", "shop:admin", null])).toEqual(["blog:editor", "shop:admin"]);
    expect(rolesFrom("shop:admin")).toEqual([]);
    expect(rolesFrom(undefined)).toEqual([]);
    expect(Object.isFrozen(rolesFrom(["shop:admin"]))).toBe(true);
  });
});

describe("hasRole and requireRole", () => {
  it("hasRole: the role itself, or platform:admin for every role", () => {
    expect(hasRole(principal(["shop:admin"]), "shop:admin")).toBe(true);
    expect(hasRole(principal(["shop:admin"]), "saas:admin")).toBe(false);
    expect(hasRole(principal(["platform:admin"]), "saas:admin")).toBe(true);
    expect(hasRole(principal(), "shop:admin")).toBe(false);
  });

  const verify = createTokenVerifier({ loadJwks: async () => TEST_PUBLIC_JWKS, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  const app = createApp<{ Bindings: object; Variables: AuthVariables }>();
  app.use("/admin/*", authenticate({ verifier: () => verify }), requireRole("shop:admin"));
  app.get("/admin/x", (c) => c.json({ roles: c.var.auth.roles }));

  it("requireRole lets the role and platform:admin through, 403 otherwise (a malformed claim is no roles)", async () => {
    const call = async (roles: unknown) =>
      app.request("/admin/x", { headers: { Authorization: `Bearer ${await mintToken({ sub: "u", extra: { roles } })}` } });
    const ok = await call(["shop:admin"]);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ roles: ["shop:admin"] });
    expect((await call(["platform:admin"])).status).toBe(200);
    const refused = await call(["saas:admin"]);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toBe('This action needs the "shop:admin" role');
    expect((await call("shop:admin")).status).toBe(403);
    expect((await call(["SHOP:ADMIN"])).status).toBe(403);
  });
});

describe("API keys through accounts carry the owner's roles", () => {
  const envWith = (answer: unknown) => ({
    ACCOUNTS: { verifyApiKey: async () => answer } as unknown as Fetcher,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    LOG_LEVEL: "silent",
  });
  const key = `ewk_abcdEFGH_${"x".repeat(43)}`;

  it("takes the roles of accounts' answer (well-formed ones), and none when absent", async () => {
    expect(await verifyWithAccounts(envWith({ userId: "u", scopes: ["shop:read"], roles: ["shop:admin", 7] }), key)).toEqual({
      userId: "u",
      scopes: ["shop:read"],
      roles: ["shop:admin"],
      method: "api_key",
    });
    expect((await verifyWithAccounts(envWith({ userId: "u", scopes: ["*"] }), key))?.roles).toEqual([]);
  });
});
