import { describe, expect, it } from "vitest";
import { checkRole, grantSql, listSql, normaliseEmail, parseAdminArgs, revokeSql, run, UsageError } from "../admin-grant.mjs";

describe("pnpm admin:grant: arguments", () => {
  it("grant, revoke and list, with the email normalised and the persist dir passed on", () => {
    expect(parseAdminArgs(["Ann@Example.COM", "shop:admin", "--persist-to", "/tmp/s"])).toEqual({
      action: "grant",
      email: "ann@example.com",
      role: "shop:admin",
      persistTo: "/tmp/s",
    });
    expect(parseAdminArgs(["--revoke", "ann@example.com", "platform:admin"])).toMatchObject({ action: "revoke", role: "platform:admin" });
    expect(parseAdminArgs(["--list"])).toMatchObject({ action: "list" });
    expect(parseAdminArgs(["--list", "ann@example.com"])).toMatchObject({ action: "list", email: "ann@example.com" });
    expect(parseAdminArgs(["a@b.c", "shop:admin"]).persistTo).toMatch(/\.wrangler\/state$/);
  });

  it.each([
    [[]],
    [["ann@example.com"]],
    [["ann@example.com", "shop:admin", "extra"]],
    [["--list", "--revoke"]],
    [["--list", "a@b.c", "b@c.d"]],
    [["--nope", "a@b.c", "shop:admin"]],
    [["not-an-email", "shop:admin"]],
    [["ann@example.com", "Shop:Admin"]],
    [["ann@example.com", "shop"]],
    [["ann@example.com", "a".repeat(100_000)]],
    [[`${"a".repeat(300)}@example.com`, "shop:admin"]],
    [["ann o'neil@example.com", "shop:admin"]],
  ])("refuses %j with a usage error", (argv) => {
    expect(() => parseAdminArgs(argv)).toThrow(UsageError);
  });

  it("validates roles as accounts does and emails as accounts stores them", () => {
    expect(checkRole("saas-2:billing-admin")).toBe("saas-2:billing-admin");
    expect(() => checkRole("shop:adm\u0131n")).toThrow(UsageError);
    expect(normaliseEmail("  Bob@Example.com ")).toBe("bob@example.com");
  });
});

describe("pnpm admin:grant: SQL", () => {
  it("grants with ON CONFLICT DO NOTHING and audits only a change; quotes every value", () => {
    const sql = grantSql("u'1", "shop:admin", 1000, "audit-1");
    expect(sql).toBe(
      "INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ('u''1', 'shop:admin', 'cli', 1000) ON CONFLICT DO NOTHING;\n" +
        "INSERT INTO role_audit (id, user_id, role, action, actor, created_at) SELECT 'audit-1', 'u''1', 'shop:admin', 'grant', 'cli', 1000 WHERE changes() = 1",
    );
  });

  it("never revokes the last platform:admin", () => {
    expect(revokeSql("u1", "platform:admin", 5, "a")).toContain(
      "AND (role <> 'platform:admin' OR (SELECT count(*) FROM user_roles WHERE role = 'platform:admin') > 1)",
    );
    expect(revokeSql("u1", "platform:admin", 5, "a")).toContain("'revoke', 'cli', 5 WHERE changes() = 1");
  });

  it("lists everything or one user's grants", () => {
    expect(listSql()).not.toContain("WHERE");
    expect(listSql("o'brien@example.com")).toContain("WHERE u.email = 'o''brien@example.com'");
  });
});

describe("pnpm admin:grant: running", () => {
  const fake = (tables) => {
    const seen = [];
    const exec = (sql) => {
      seen.push(sql);
      if (sql.startsWith("SELECT id, email")) return tables.users;
      if (sql.startsWith("SELECT u.email")) return tables.roles;
      return [];
    };
    return { exec, seen };
  };
  const migrate = () => {};

  it("fails clearly when the email is unknown, and changes nothing", () => {
    const { exec, seen } = fake({ users: [], roles: [] });
    expect(() => run({ action: "grant", email: "nobody@example.com", role: "shop:admin", persistTo: "/s" }, exec, migrate)).toThrow(
      "no account with the email nobody@example.com in /s: register it first (POST /auth/v1/register)",
    );
    expect(seen.some((s) => s.startsWith("INSERT"))).toBe(false);
  });

  it("grants to a known account, warning when its address is unverified", () => {
    const { exec, seen } = fake({ users: [{ id: "u1", email: "ann@example.com", email_verified_at: null }], roles: [] });
    const lines = run({ action: "grant", email: "ann@example.com", role: "shop:admin", persistTo: "/s" }, exec, migrate);
    expect(lines[0]).toBe("warning: ann@example.com is not verified (the admin API would refuse it)");
    expect(seen.some((s) => s.startsWith("INSERT INTO user_roles"))).toBe(true);
  });

  it("a revoke of a role not held is an error", () => {
    const { exec } = fake({ users: [{ id: "u1", email: "ann@example.com", email_verified_at: 1 }], roles: [] });
    expect(() => run({ action: "revoke", email: "ann@example.com", role: "shop:admin", persistTo: "/s" }, exec, migrate)).toThrow(
      "ann@example.com does not hold shop:admin",
    );
  });
});
