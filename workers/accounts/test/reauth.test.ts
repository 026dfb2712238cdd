import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { SetPasswordResult } from "../src/index";
import {
  call,
  createKey,
  expectProblem,
  login,
  outbox,
  register,
  type SessionBody,
  snapshot,
  type TestUser,
  verifyAddress,
} from "./helpers";

// Issue 10, item 3: a stolen 15-minute access token must not be able to take the account. Changing the
// email or the password needs the current password or a login within the last 5 minutes.

const rpc = (
  exports as unknown as {
    default: {
      setPassword(userId: unknown, newPassword: unknown, keepSessionId?: unknown, proof?: unknown): Promise<SetPasswordResult>;
    };
  }
).default;

const NEW_PASSWORD = "a brand new passphrase";
const REAUTH = "Changing the email or password needs your current password (`currentPassword`) or a login within the last 5 minutes";
const newEmail = () => `new-${crypto.randomUUID()}@example.com`;

/** Makes a session look as if it had started `minutes` ago, then refreshes it: the token a thief would hold. */
async function staleSession(user: { user: { id: string }; refreshToken: string; accessToken: string }, minutes = 10) {
  const sid = String(decodeJwt(user.accessToken).sid);
  await env.DB.prepare("UPDATE sessions SET created_at = ? WHERE id = ?")
    .bind(Date.now() - minutes * 60_000, sid)
    .run();
  const res = await call("POST", "/refresh", undefined, { refreshToken: user.refreshToken });
  expect(res.status).toBe(200);
  return (await res.json()) as SessionBody;
}

const me = async (token: string) => ((await (await call("GET", "/me", token)).json()) as { user: Record<string, unknown> }).user;

describe("auth_time", () => {
  it("is the login time, and a refresh carries it over unchanged", async () => {
    const alice = await register();
    const first = decodeJwt(alice.accessToken);
    // the login's second, or the one before when registration crossed a second boundary
    expect(Number(first.iat) - Number(first.auth_time)).toBeGreaterThanOrEqual(0);
    expect(Number(first.iat) - Number(first.auth_time)).toBeLessThan(5);
    const stale = await staleSession(alice, 10);
    const claims = decodeJwt(stale.accessToken);
    expect(Number(claims.auth_time)).toBeLessThanOrEqual(Number(claims.iat) - 590);
    const again = (await (await call("POST", "/refresh", undefined, { refreshToken: stale.refreshToken })).json()) as SessionBody;
    expect(decodeJwt(again.accessToken).auth_time).toBe(claims.auth_time);
  });
});

describe("PATCH /auth/v1/me {email}", () => {
  it("more than 5 minutes after login and without the current password: 403, nothing changes", async () => {
    const alice = await register();
    const stale = await staleSession(alice);
    const before = await snapshot();
    await expectProblem(await call("PATCH", "/me", stale.accessToken, { email: newEmail() }), "forbidden", REAUTH);
    await expectProblem(
      await call("PATCH", "/me", stale.accessToken, { email: newEmail(), currentPassword: "not my password" }),
      "forbidden",
      "The current password is incorrect",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("with the current password the change is accepted, even long after login; the name alone needs no proof", async () => {
    const alice = await register();
    const stale = await staleSession(alice);
    expect((await call("PATCH", "/me", stale.accessToken, { name: "Alice" })).status).toBe(200);
    const email = newEmail();
    const res = await call("PATCH", "/me", stale.accessToken, { email, currentPassword: alice.password });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toMatchObject({ email: alice.user.email, pendingEmail: email });
  });

  it("keeps the new address pending until it is verified: login and resets stay with the old address", async () => {
    const alice = await register();
    const email = newEmail();
    const res = await call("PATCH", "/me", alice.accessToken, { email });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: unknown }).user).toEqual({ ...alice.user, pendingEmail: email });
    // the pending address cannot log in or receive a reset; the old one still does
    await expectProblem(await call("POST", "/login", undefined, { email, password: alice.password }), "unauthorized");
    await login(alice.user.email, alice.password);
    expect((await call("POST", "/password/forgot", undefined, { email })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect((await outbox(email)).filter((m) => m.kind === "password_reset")).toEqual([]);
    // the verification goes to the new address; confirming it makes it the account's address
    const verification = (await outbox(email)).find((m) => m.kind === "email_verification");
    expect(verification?.payload.link).toMatch(/\/auth\/v1\/email\/verify\?token=/);
    const verified = await call("POST", "/email/verify", undefined, { token: verification?.payload.token });
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as { user: unknown }).user).toMatchObject({ email, pendingEmail: null, emailVerified: true });
    await login(email, alice.password);
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
  });

  it("tells the old address, with a link that restores it and ends every session and API key", async () => {
    const alice = await register();
    await verifyAddress(alice);
    const key = await createKey(alice);
    const thief = await login(alice.user.email, alice.password);
    const email = newEmail();
    expect((await call("PATCH", "/me", thief.accessToken, { email })).status).toBe(200);
    const notice = (await outbox(alice.user.email)).find((m) => m.kind === "email_change_notice");
    expect(notice).toMatchObject({ to: alice.user.email, subject: "Your email address is being changed" });
    expect(notice?.body).toContain(email);
    expect(notice?.payload.link).toMatch(/\/auth\/v1\/email\/revert\?token=[A-Za-z0-9_-]{43}$/);
    // the thief confirms the new address: it is the account's now...
    const verification = (await outbox(email)).find((m) => m.kind === "email_verification");
    expect((await call("POST", "/email/verify", undefined, { token: verification?.payload.token })).status).toBe(200);
    // ...until the owner follows the link from the notice
    const reverted = await call("POST", "/email/revert", undefined, { token: notice?.payload.token });
    expect(reverted.status).toBe(200);
    expect(((await reverted.json()) as { user: unknown }).user).toMatchObject({
      email: alice.user.email,
      pendingEmail: null,
      emailVerified: true,
    });
    for (const s of [alice, thief]) await expectProblem(await call("GET", "/me", s.accessToken), "unauthorized");
    await expectProblem(await call("GET", "/me", key.key), "unauthorized");
    // the password the thief may know ends too; a reset link goes to the restored address
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
    const reset = (await outbox(alice.user.email)).find((m) => m.kind === "password_reset");
    expect((await call("POST", "/password/reset", undefined, { token: reset?.payload.token, newPassword: NEW_PASSWORD })).status).toBe(204);
    await login(alice.user.email, NEW_PASSWORD);
    // once only
    await expectProblem(
      await call("POST", "/email/revert", undefined, { token: notice?.payload.token }),
      "bad_request",
      "The revert token is invalid, expired or already used",
    );
  });

  it("a revert before the new address is verified cancels the pending change", async () => {
    const alice = await register();
    const email = newEmail();
    await call("PATCH", "/me", alice.accessToken, { email });
    const notice = (await outbox(alice.user.email)).find((m) => m.kind === "email_change_notice");
    expect((await call("POST", "/email/revert", undefined, { token: notice?.payload.token })).status).toBe(200);
    const verification = (await outbox(email)).find((m) => m.kind === "email_verification");
    await expectProblem(await call("POST", "/email/verify", undefined, { token: verification?.payload.token }), "bad_request");
    const reset = (await outbox(alice.user.email)).find((m) => m.kind === "password_reset");
    expect((await call("POST", "/password/reset", undefined, { token: reset?.payload.token, newPassword: NEW_PASSWORD })).status).toBe(204);
    const fresh = await login(alice.user.email, NEW_PASSWORD);
    expect(await me(fresh.accessToken)).toMatchObject({ email: alice.user.email, pendingEmail: null });
  });
});

describe("POST /auth/v1/password", () => {
  it("within 5 minutes of login the current password may be left out", async () => {
    const alice = await register();
    expect((await call("POST", "/password", alice.accessToken, { newPassword: NEW_PASSWORD })).status).toBe(204);
    await login(alice.user.email, NEW_PASSWORD);
  });

  it("later, leaving it out is 403 and nothing changes", async () => {
    const alice = await register();
    const stale = await staleSession(alice);
    const before = await snapshot();
    await expectProblem(await call("POST", "/password", stale.accessToken, { newPassword: NEW_PASSWORD }), "forbidden", REAUTH);
    expect(await snapshot()).toEqual(before);
    expect(
      (await call("POST", "/password", stale.accessToken, { currentPassword: alice.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
  });
});

describe("setPassword RPC (the blog's PUT /api/user)", () => {
  const sessionOf = (u: TestUser | SessionBody) => String(decodeJwt(u.accessToken).sid);

  it("keeping a session that started within 5 minutes is proof enough", async () => {
    const alice = await register();
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, alice.sessionId, { authTime: Math.floor(Date.now() / 1000) })).toEqual({
      ok: true,
    });
    await login(alice.user.email, NEW_PASSWORD);
  });

  it("an older session, or none, needs the current password; nothing changes without it", async () => {
    const alice = await register();
    const stale = await staleSession(alice);
    const before = await snapshot();
    const refused = { ok: false, reason: "reauthentication_required", message: REAUTH };
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, sessionOf(stale))).toEqual(refused);
    // a caller cannot claim a fresher login than the session's own
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, sessionOf(stale), { authTime: Math.floor(Date.now() / 1000) })).toEqual(
      refused,
    );
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD)).toEqual(refused);
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, sessionOf(stale), { currentPassword: "wrong password" })).toEqual({
      ok: false,
      reason: "wrong_password",
      message: "The current password is incorrect",
    });
    expect(await snapshot()).toEqual(before);
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, sessionOf(stale), { currentPassword: alice.password })).toEqual({ ok: true });
  });

  it("a fresh session with an old auth_time from the caller is refused", async () => {
    const alice = await register();
    expect(await rpc.setPassword(alice.user.id, NEW_PASSWORD, alice.sessionId, { authTime: Math.floor(Date.now() / 1000) - 600 })).toEqual({
      ok: false,
      reason: "reauthentication_required",
      message: REAUTH,
    });
  });
});
