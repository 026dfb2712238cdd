// The admin API's security cases. Not defineSecuritySuite: its scope block mints tokens without a live
// session, which accounts refuses with 401 (it knows its sessions), so the shared cases run here by hand.
import { env, SELF } from "cloudflare:test";
import { coreBadCredentials, extraBadCredentials, hostileBodies, mintToken } from "@edgeworks/testing";
import { beforeAll, describe, expect, it, test } from "vitest";
import { BASE, call, createKey, expectProblem, freshIp, registerVerified, type TestUser } from "./helpers";
import { ageLogin, grantInDb, newAdmin } from "./roles-helpers";

let admin: TestUser;
let member: TestUser;
/** An admin whose session was logged out. */
let gone: TestUser;
/** An admin whose login is 10 minutes old. */
let stale: TestUser;

beforeAll(async () => {
  admin = await newAdmin();
  member = await registerVerified();
  await grantInDb(member.user.id, "shop:admin");
  gone = await newAdmin();
  expect((await call("POST", "/logout", gone.accessToken)).status).toBe(204);
  stale = await newAdmin();
  await ageLogin(stale, 10 * 60_000);
});

/** Every admin route; `{member}` is replaced with the member's id. */
const ROUTES = [
  ["GET", "/admin/users?email=someone@example.com"],
  ["GET", "/admin/users/{member}/roles"],
  ["PUT", "/admin/users/{member}/roles/saas:admin"],
  ["DELETE", "/admin/users/{member}/roles/shop:admin"],
  ["GET", "/admin/roles/shop:admin/users"],
] as const;
const MUTATIONS = ROUTES.filter(([method]) => method !== "GET");
const at = (path: string) => path.replace("{member}", member.user.id);
const table = (routes: readonly (readonly [string, string])[]) => routes.map(([m, p]) => [`${m} ${p}`, m, p] as const);

/** The role tables, for "nothing changed". */
const roleState = async () => ({
  roles: (await env.DB.prepare("SELECT * FROM user_roles ORDER BY user_id, role").all()).results,
  audit: (await env.DB.prepare("SELECT * FROM role_audit ORDER BY id").all()).results,
});

describe("authentication", () => {
  let before: unknown;
  beforeAll(async () => {
    before = await roleState();
  });
  const bad = [
    ...coreBadCredentials(),
    extraBadCredentials.unknownApiKey,
    extraBadCredentials.apiKeyPrefix,
    extraBadCredentials.otherIssuer,
  ];
  for (const [what, headers] of bad) {
    test.each(table(ROUTES))(`${what}: %s is 401`, async (_l, method, path) => {
      const res = await SELF.fetch(`${BASE}${at(path)}`, {
        method,
        headers: { ...(await headers(admin.user.id)), "CF-Connecting-IP": freshIp() },
      });
      await expectProblem(res, "unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="edgeworks"/);
    });
  }

  test.each(table(ROUTES))("a logged-out admin session: %s is 401", async (_l, method, path) => {
    await expectProblem(await call(method, at(path), gone.accessToken), "unauthorized");
  });

  it("no refused request changed anything", async () => expect(await roleState()).toEqual(before));
});

describe("who may call", () => {
  let before: unknown;
  beforeAll(async () => {
    before = await roleState();
  });

  test.each(table(ROUTES))("a user without platform:admin (even with shop:admin): %s is 403", async (_l, method, path) => {
    await expectProblem(await call(method, at(path), member.accessToken), "forbidden", 'This action needs the "platform:admin" role');
  });

  test.each(table(ROUTES))("a token claiming platform:admin that the database does not back: %s is 403", async (_l, method, path) => {
    const forged = await mintToken({
      sub: member.user.id,
      sid: member.sessionId,
      extra: { roles: ["platform:admin"], auth_time: Math.floor(Date.now() / 1000) },
    });
    await expectProblem(await call(method, at(path), forged), "forbidden", 'This action needs the "platform:admin" role');
  });

  test.each(table(MUTATIONS))("an admin's API key (scope *): %s is 403", async (_l, method, path) => {
    const key = await createKey(admin, { name: "everything" });
    await expectProblem(
      await call(method, at(path), key.key),
      "forbidden",
      "This action needs an access token from a session, not an API key",
    );
  });

  test.each(table(ROUTES))("a credential without the account:admin scope: %s is 403", async (_l, method, path) => {
    const key = await createKey(admin, { name: "narrow", scopes: ["account:read", "account:write"] });
    await expectProblem(await call(method, at(path), key.key), "forbidden", 'This credential lacks the "account:admin" scope');
  });

  it("an admin whose login is older than 5 minutes cannot grant", async () => {
    await expectProblem(
      await call("PUT", at("/admin/users/{member}/roles/saas:admin"), stale.accessToken),
      "forbidden",
      "Changing roles needs a login within the last 5 minutes: log in again and retry",
    );
  });

  it("no refused request changed anything", async () => expect(await roleState()).toEqual(before));
});

describe("hostile input", () => {
  let before: unknown;
  beforeAll(async () => {
    before = await roleState();
  });
  const huge = "a".repeat(10_000);

  test.each([
    ["a 10k-character email", `/admin/users?email=${huge}@example.com`, "email", "query"],
    ["an email with a NUL", "/admin/users?email=a%00b@example.com", "email", "query"],
    ["a non-ASCII email", "/admin/users?email=%C3%A9t%C3%A9@example.com", "email", "query"],
    ["an email with a right-to-left override", "/admin/users?email=a%E2%80%AEb@example.com", "email", "query"],
    ["a 10k-character user id", `/admin/users/${huge}/roles`, "id", "path"],
    ["a user id with dots", "/admin/users/..%2F..%2Fetc/roles", "id", "path"],
    ["a 10k-character role", `/admin/roles/${huge}/users`, "role", "path"],
    ["a role with an emoji", `/admin/roles/shop:${encodeURIComponent("😀")}/users`, "role", "path"],
    ["a role with a zero-width space", `/admin/roles/shop:ad${encodeURIComponent("\u200b")}min/users`, "role", "path"],
    ["a 10k-character cursor", `/admin/roles/shop:admin/users?cursor=${huge}`, "cursor", "query"],
    ["a limit of 10k", "/admin/roles/shop:admin/users?limit=10000", "limit", "query"],
  ])("%s is 422", async (_what, path, field, location) => {
    const body = await expectProblem(await call("GET", path, admin.accessToken), "validation_failed");
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: field, location })]));
  });

  test.each(table(MUTATIONS))("a hostile role in %s is 422 before anything is looked up", async (_l, method, path) => {
    const res = await call(
      method,
      at(path).replace(/roles\/[a-z:]+$/, `roles/${encodeURIComponent("shop:admin' OR 1=1 --")}`),
      admin.accessToken,
    );
    await expectProblem(res, "validation_failed");
  });

  test.each(table(MUTATIONS))("a 2 MiB body to %s is 413", async (_l, method, path) => {
    const res = await SELF.fetch(`${BASE}${at(path)}`, {
      method,
      headers: { Authorization: `Bearer ${admin.accessToken}`, "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
      body: hostileBodies.twoMiB,
    });
    await expectProblem(res, "payload_too_large");
  });

  it("none of it changed anything", async () => expect(await roleState()).toEqual(before));
});
