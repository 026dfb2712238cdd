import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectInvalid, expectProblem, register, registerVerified } from "./helpers";
import { ageLogin, auditOf, grantInDb, newAdmin, rolePath, rolesInDb } from "./roles-helpers";

type Grant = { userId: string; role: string; grantedBy: string; grantedAt: string };
const REAUTH = "Changing roles needs a login within the last 5 minutes: log in again and retry";

describe("GET /admin/users?email=", () => {
  it("finds a user by exact email, case ignored, with their roles", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified({ email: `Bob.${Date.now()}@example.com` });
    await grantInDb(bob.user.id, "shop:admin");
    const res = await call("GET", `/admin/users?email=${encodeURIComponent(bob.user.email.toUpperCase())}`, admin.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [{ id: bob.user.id, email: bob.user.email, emailVerified: true, pendingEmail: null, roles: ["shop:admin"] }],
    });
  });

  it("is an empty list for an unknown address; a missing or malformed one is 422", async () => {
    const admin = await newAdmin();
    const res = await call("GET", "/admin/users?email=nobody@example.com", admin.accessToken);
    expect(await res.json()).toEqual({ items: [] });
    await expectInvalid(await call("GET", "/admin/users", admin.accessToken), "email", undefined, "query");
    await expectInvalid(await call("GET", "/admin/users?email=not-an-email", admin.accessToken), "email", undefined, "query");
    await expectInvalid(await call("GET", `/admin/users?email=${"a".repeat(10_000)}@x.io`, admin.accessToken), "email", undefined, "query");
  });
});

describe("GET /admin/users/{id}/roles", () => {
  it("lists the roles with who granted them; unknown user 404", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    expect((await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(201);
    const res = await call("GET", `/admin/users/${bob.user.id}/roles`, admin.accessToken);
    expect(await res.json()).toEqual({
      userId: bob.user.id,
      items: [{ userId: bob.user.id, role: "shop:admin", grantedBy: admin.user.id, grantedAt: expect.any(String) }],
    });
    await expectProblem(await call("GET", "/admin/users/nobody-here/roles", admin.accessToken), "not_found", "User not found");
  });
});

describe("PUT /admin/users/{id}/roles/{role}", () => {
  it("grants (201), then says it is already held (200) keeping the first grant; both recorded once", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    const first = await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken);
    expect(first.status).toBe(201);
    const grant = (await first.json()) as Grant;
    expect(grant).toEqual({ userId: bob.user.id, role: "shop:admin", grantedBy: admin.user.id, grantedAt: expect.any(String) });
    const second = await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(grant);
    expect(await auditOf(bob.user.id)).toEqual([{ role: "shop:admin", action: "grant", actor: admin.user.id }]);
  });

  it("accepts the role percent-encoded in the path", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    expect((await call("PUT", `/admin/users/${bob.user.id}/roles/saas%3Aadmin`, admin.accessToken)).status).toBe(201);
    expect(await rolesInDb(bob.user.id)).toEqual(["saas:admin"]);
  });

  it.each([
    ["upper case", "Shop:admin"],
    ["no colon", "shopadmin"],
    ["two colons", "shop:admin:x"],
    ["a digit first", "1shop:admin"],
    ["a part over 32 characters", `shop:${"a".repeat(33)}`],
    ["10k characters", "a".repeat(10_000)],
    ["odd unicode", "shop:adm\u0131n"],
    ["a star", "*"],
  ])("refuses a role name with %s (422), changing nothing", async (_what, role) => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    await expectInvalid(await call("PUT", rolePath(bob.user.id, encodeURIComponent(role)), admin.accessToken), "role", undefined, "path");
    expect(await rolesInDb(bob.user.id)).toEqual([]);
  });

  it("unknown user 404; unverified address 409; at most 20 roles (409)", async () => {
    const admin = await newAdmin();
    await expectProblem(await call("PUT", rolePath("nobody-here", "shop:admin"), admin.accessToken), "not_found", "User not found");
    const unverified = await register();
    await expectProblem(
      await call("PUT", rolePath(unverified.user.id, "shop:admin"), admin.accessToken),
      "conflict",
      "The account's email address is not verified; roles go only to proven addresses",
    );
    expect(await rolesInDb(unverified.user.id)).toEqual([]);
    const busy = await registerVerified();
    for (let i = 0; i < 20; i++) await grantInDb(busy.user.id, `p${i}:role`);
    await expectProblem(
      await call("PUT", rolePath(busy.user.id, "shop:admin"), admin.accessToken),
      "conflict",
      "A user holds at most 20 roles; revoke one first",
    );
    // a role already held is still a 200
    expect((await call("PUT", rolePath(busy.user.id, "p3:role"), admin.accessToken)).status).toBe(200);
  });

  it("needs a login within the last 5 minutes (403), and a session token, not an API key (403)", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    await ageLogin(admin, 6 * 60_000);
    await expectProblem(await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken), "forbidden", REAUTH);
    await expectProblem(await call("PUT", rolePath(bob.user.id, "platform:admin"), admin.accessToken), "forbidden", REAUTH);
    await ageLogin(admin, -6 * 60_000);
    expect((await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(201);
    expect(await rolesInDb(bob.user.id)).toEqual(["shop:admin"]);
  });

  it("replays the first answer for the same Idempotency-Key; a malformed key is 422", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    const headers = { "Idempotency-Key": `grant-${bob.user.id}` };
    const first = await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken, undefined, headers);
    expect(first.status).toBe(201);
    const again = await call("PUT", rolePath(bob.user.id, "shop:admin"), admin.accessToken, undefined, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    await expectInvalid(
      await call("PUT", rolePath(bob.user.id, "blog:editor"), admin.accessToken, undefined, { "Idempotency-Key": "k".repeat(300) }),
      "idempotency-key",
      undefined,
      "header",
    );
  });
});

describe("DELETE /admin/users/{id}/roles/{role}", () => {
  it("revokes (204), records it; a role not held is 404", async () => {
    const admin = await newAdmin();
    const bob = await registerVerified();
    await grantInDb(bob.user.id, "shop:admin");
    expect((await call("DELETE", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(204);
    expect(await rolesInDb(bob.user.id)).toEqual([]);
    expect(await auditOf(bob.user.id)).toEqual([{ role: "shop:admin", action: "revoke", actor: admin.user.id }]);
    await expectProblem(await call("DELETE", rolePath(bob.user.id, "shop:admin"), admin.accessToken), "not_found", "Role not found");
    await expectProblem(await call("DELETE", rolePath("nobody-here", "shop:admin"), admin.accessToken), "not_found", "User not found");
    expect(await auditOf(bob.user.id)).toHaveLength(1);
  });

  it("a revoke of an ordinary role needs no fresh login; revoking platform:admin does", async () => {
    const admin = await newAdmin();
    const other = await newAdmin();
    const bob = await registerVerified();
    await grantInDb(bob.user.id, "shop:admin");
    await ageLogin(admin, 6 * 60_000);
    expect((await call("DELETE", rolePath(bob.user.id, "shop:admin"), admin.accessToken)).status).toBe(204);
    await expectProblem(await call("DELETE", rolePath(other.user.id, "platform:admin"), admin.accessToken), "forbidden", REAUTH);
    expect(await rolesInDb(other.user.id)).toEqual(["platform:admin"]);
  });

  it("never revokes the last platform:admin (409), also when it is the caller's own", async () => {
    const admin = await newAdmin();
    // make this admin the only one: other tests' admins in this file's database are set aside
    await env.DB.prepare("DELETE FROM user_roles WHERE role = 'platform:admin' AND user_id <> ?").bind(admin.user.id).run();
    await expectProblem(
      await call("DELETE", rolePath(admin.user.id, "platform:admin"), admin.accessToken),
      "conflict",
      "This is the last platform:admin; grant the role to someone else first",
    );
    expect(await rolesInDb(admin.user.id)).toEqual(["platform:admin"]);
    // with a second admin, giving up one's own is allowed
    const second = await registerVerified();
    expect((await call("PUT", rolePath(second.user.id, "platform:admin"), admin.accessToken)).status).toBe(201);
    expect((await call("DELETE", rolePath(admin.user.id, "platform:admin"), admin.accessToken)).status).toBe(204);
    expect(await auditOf(admin.user.id)).toEqual([{ role: "platform:admin", action: "revoke", actor: admin.user.id }]);
  });

  it("two last admins revoking each other at once: exactly one wins, one platform:admin is left", async () => {
    const a = await newAdmin();
    const b = await newAdmin();
    await env.DB.prepare("DELETE FROM user_roles WHERE role = 'platform:admin' AND user_id NOT IN (?, ?)").bind(a.user.id, b.user.id).run();
    const [ab, ba] = await Promise.all([
      call("DELETE", rolePath(b.user.id, "platform:admin"), a.accessToken),
      call("DELETE", rolePath(a.user.id, "platform:admin"), b.accessToken),
    ]);
    const statuses = [ab.status, ba.status];
    expect(statuses.filter((st) => st === 204)).toHaveLength(1);
    // the loser is refused: it is now the last admin (409), or no longer an admin at all (403)
    expect([403, 409]).toContain(statuses.find((st) => st !== 204));
    const left = await env.DB.prepare("SELECT user_id FROM user_roles WHERE role = 'platform:admin'").all();
    expect(left.results).toHaveLength(1);
  });

  it("refuses to revoke platform:admin from a verified ADMIN_EMAILS address (409: it would come back at the next login)", async () => {
    const admin = await newAdmin();
    const listed = await registerVerified({ email: "listed@admin.test" });
    await grantInDb(listed.user.id, "platform:admin", "ADMIN_EMAILS");
    await expectProblem(
      await call("DELETE", rolePath(listed.user.id, "platform:admin"), admin.accessToken),
      "conflict",
      "This address is listed in ADMIN_EMAILS, which grants platform:admin at every login; remove it there",
    );
    expect(await rolesInDb(listed.user.id)).toEqual(["platform:admin"]);
  });
});

describe("GET /admin/roles/{role}/users", () => {
  it("pages through the holders by user id; a role nobody holds is 404; a bad cursor 422", async () => {
    const admin = await newAdmin();
    const role = `t${Date.now().toString(36)}:holder`;
    const holders = [await registerVerified(), await registerVerified(), await registerVerified()];
    for (const h of holders) await grantInDb(h.user.id, role, admin.user.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call("GET", `/admin/roles/${role}/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, admin.accessToken);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string; email: string; grantedBy: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) expect(item.grantedBy).toBe(admin.user.id);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(holders.map((h) => h.user.id).sort());
    await expectProblem(await call("GET", "/admin/roles/none:here/users", admin.accessToken), "not_found", "Role not found");
    await expectProblem(await call("GET", `/admin/roles/${role}/users?cursor=garbage`, admin.accessToken), "validation_failed");
    await expectInvalid(await call("GET", "/admin/roles/NOPE/users", admin.accessToken), "role", undefined, "path");
  });
});
