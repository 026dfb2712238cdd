import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SetPasswordResult, UserSummary } from "../src/index";
import { call, expectProblem, login, markVerified, register, snapshot } from "./helpers";

/** The user directory RPCs, as another product sees them through its ACCOUNTS service binding. */
const rpc = (
  exports as unknown as {
    default: {
      findUserByEmail(email: unknown): Promise<UserSummary | null>;
      getUsers(ids: unknown): Promise<UserSummary[]>;
      setPassword(userId: unknown, newPassword: unknown, keepSessionId?: unknown, proof?: unknown): Promise<SetPasswordResult>;
    };
  }
).default;

describe("user directory RPC", () => {
  it("finds an account by email, ignoring case and spaces, without secrets", async () => {
    const alice = await register();
    const found = await rpc.findUserByEmail(`  ${alice.user.email.toUpperCase()} `);
    expect(found).toEqual({ id: alice.user.id, email: alice.user.email, name: alice.user.name, emailVerified: false });
    expect(Object.keys(found ?? {}).sort()).toEqual(["email", "emailVerified", "id", "name"]);
  });

  it("says whether the address is verified (products mail only verified addresses)", async () => {
    const [alice, bob] = [await register(), await register()];
    await markVerified(bob);
    expect(await rpc.findUserByEmail(alice.user.email)).toMatchObject({ id: alice.user.id, emailVerified: false });
    expect(await rpc.findUserByEmail(bob.user.email)).toMatchObject({ id: bob.user.id, emailVerified: true });
    const got = await rpc.getUsers([alice.user.id, bob.user.id]);
    expect(got.sort((x, y) => (x.id === alice.user.id ? -1 : y.id === alice.user.id ? 1 : 0))).toEqual([
      { id: alice.user.id, email: alice.user.email, name: alice.user.name, emailVerified: false },
      { id: bob.user.id, email: bob.user.email, name: bob.user.name, emailVerified: true },
    ]);
  });

  it.each([["nobody@example.com"], [""], ["x".repeat(300)], [42], [null]])("answers null for %s", async (email) => {
    expect(await rpc.findUserByEmail(email)).toBeNull();
  });

  it("gets many accounts by id, leaving out unknown and malformed ids", async () => {
    const [a, b] = [await register(), await register()];
    const got = await rpc.getUsers([a.user.id, b.user.id, a.user.id, "missing", 7, "y".repeat(100)]);
    expect(got.map((u) => u.id).sort()).toEqual([a.user.id, b.user.id].sort());
    expect(await rpc.getUsers("nope")).toEqual([]);
    expect(await rpc.getUsers([])).toEqual([]);
  });
});

const NEW_PASSWORD = "a brand new passphrase";

describe("setPassword RPC", () => {
  it("sets the password without the current one: the old one stops working, the new one logs in", async () => {
    const alice = await register();
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, alice.sessionId)).toEqual({ ok: true });
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
    await login(alice.user.email, NEW_PASSWORD);
  });

  it("revokes every other session but keeps the caller's, as POST /password does", async () => {
    const alice = await register();
    const laptop = await login(alice.user.email, alice.password);
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, alice.sessionId)).toEqual({ ok: true });
    await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: laptop.refreshToken }), "unauthorized");
    await expectProblem(await call("GET", "/me", laptop.accessToken), "unauthorized");
    expect((await call("GET", "/me", alice.accessToken)).status).toBe(200);
    expect((await call("POST", "/refresh", undefined, { refreshToken: alice.refreshToken })).status).toBe(200);
  });

  it.each([[undefined], [null]])("without a session to keep (%s) and with the current password, every session ends", async (keep) => {
    const alice = await register();
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, keep, { currentPassword: alice.password })).toEqual({ ok: true });
    await expectProblem(await call("GET", "/me", alice.accessToken), "unauthorized");
    await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: alice.refreshToken }), "unauthorized");
  });

  it.each([
    ["7 characters", "1234567", "Must be at least 8 characters"],
    ["257 characters", "p".repeat(257), "Must be at most 256 characters"],
    ["a NUL", "abcdefgh\u0000", "Must not contain NUL characters"],
    ["a lone surrogate", "abcdefgh\ud83d", "Must be valid Unicode (no lone surrogates)"],
    ["a number", 12345678, "Must be a string"],
    ["null", null, "Must be a string"],
  ] as const)("refuses a password of %s; nothing changes", async (_, password, message) => {
    const alice = await register();
    const before = await snapshot();
    expect(await rpc.setPassword(alice.user.id, password, alice.sessionId)).toEqual({ ok: false, reason: "invalid_password", message });
    expect(await snapshot()).toEqual(before);
    await login(alice.user.email, alice.password);
  });

  it("accepts exactly 8 and 256 characters, kept as typed (spaces included)", async () => {
    const alice = await register();
    let current = alice.password;
    for (const password of ["  8 ch  ", "p".repeat(256)]) {
      expect(await rpc.setPassword(alice.user.id, password, undefined, { currentPassword: current })).toEqual({ ok: true });
      current = password;
      await login(alice.user.email, password);
    }
  });

  it.each([["unknown-user-id"], [""], ["x".repeat(100)], [42], [null]])("answers not_found for user %s; nothing changes", async (id) => {
    await register();
    const before = await snapshot();
    expect(await rpc.setPassword(id, NEW_PASSWORD)).toEqual({ ok: false, reason: "not_found", message: "The account does not exist" });
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["a logged-out session", "logged-out"],
    ["another user's session", "other"],
    ["an unknown session", "unknown"],
    ["a session id that is not a string", "number"],
  ] as const)("refuses to keep %s; nothing changes", async (_, kind) => {
    const alice = await register();
    const bob = await register();
    if (kind === "logged-out") expect((await call("POST", "/logout", alice.accessToken)).status).toBe(204);
    const keep = { "logged-out": alice.sessionId, other: bob.sessionId, unknown: "no-such-session", number: 7 }[kind];
    const before = await snapshot();
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, keep)).toEqual({
      ok: false,
      reason: "session_revoked",
      message: "The session has ended; log in again",
    });
    expect(await snapshot()).toEqual(before);
  });
});
