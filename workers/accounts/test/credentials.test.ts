import { env } from "cloudflare:test";
import { generateApiKey } from "@edgeworks/auth";
import { describe, expect, it } from "vitest";
import { call, createKey, expectProblem, login, outbox, register, snapshot, verifyAddress, waitForMail } from "./helpers";

// Issue 10, item 4: credentials made before the address was proven, or before a reset, must not outlive them.

const NEW_PASSWORD = "a brand new passphrase";
const verificationToken = async (email: string) => (await outbox(email)).find((m) => m.kind === "email_verification")?.payload.token;

/** An API key row written the way accounts did before keys needed a verified address. */
async function legacyKey(userId: string): Promise<string> {
  const { key, prefix, hash } = await generateApiKey();
  await env.DB.prepare(
    "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, created_at) VALUES (?, ?, 'old', ?, ?, '[\"*\"]', ?)",
  )
    .bind(crypto.randomUUID(), userId, prefix, hash, Date.now() - 60_000)
    .run();
  return key;
}

describe("API keys need a proven address", () => {
  it("creating a key with an unverified email is 403 and creates nothing", async () => {
    const alice = await register();
    await expectProblem(
      await call("POST", "/api-keys", alice.accessToken, { name: "CI" }),
      "forbidden",
      "Verify your email address before creating API keys",
    );
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE user_id = ?").bind(alice.user.id).first<{ n: number }>())?.n,
    ).toBe(0);
    await verifyAddress(alice);
    expect((await call("POST", "/api-keys", alice.accessToken, { name: "CI" })).status).toBe(201);
  });
});

describe("a password reset ends every credential", () => {
  it("revokes API keys and sessions (the pre-hijacking case: an attacker registered the victim's address)", async () => {
    const victimEmail = `victim-${crypto.randomUUID()}@example.com`;
    const attacker = await register({ email: victimEmail, password: "attacker's password" });
    const key = await legacyKey(attacker.user.id);
    expect((await call("GET", "/me", key)).status).toBe(200);
    // the victim asks for a reset and follows the link from their mailbox
    expect((await call("POST", "/password/forgot", undefined, { email: victimEmail })).status).toBe(202);
    const token = (await waitForMail(victimEmail, "password_reset")).payload.token;
    expect((await call("POST", "/password/reset", undefined, { token, newPassword: NEW_PASSWORD })).status).toBe(204);
    await expectProblem(await call("GET", "/me", key), "unauthorized", "The API key is invalid or revoked");
    await expectProblem(await call("GET", "/me", attacker.accessToken), "unauthorized");
  });

  it("a password change keeps the caller's session and ends the other sessions and every API key", async () => {
    const alice = await register();
    await verifyAddress(alice);
    const key = await createKey(alice);
    const other = await login(alice.user.email, alice.password);
    expect(
      (await call("POST", "/password", alice.accessToken, { currentPassword: alice.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
    await expectProblem(await call("GET", "/me", key.key), "unauthorized", "The API key is invalid or revoked");
    await expectProblem(await call("GET", "/me", other.accessToken), "unauthorized");
    expect((await call("GET", "/me", alice.accessToken)).status).toBe(200);
  });
});

describe("the first verification of an address drops what was made before it", () => {
  it("sessions other than the verifying one, and API keys, end", async () => {
    const alice = await register();
    const key = await legacyKey(alice.user.id);
    const other = await login(alice.user.email, alice.password);
    const res = await call("POST", "/email/verify", alice.accessToken, { token: await verificationToken(alice.user.email) });
    expect(res.status).toBe(200);
    expect((await call("GET", "/me", alice.accessToken)).status).toBe(200);
    await expectProblem(await call("GET", "/me", other.accessToken), "unauthorized");
    await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: other.refreshToken }), "unauthorized");
    await expectProblem(await call("GET", "/me", key), "unauthorized", "The API key is invalid or revoked");
  });

  it("verified by someone without a session of the account (the link in the victim's mailbox), every session ends", async () => {
    const attacker = await register();
    expect((await call("POST", "/email/verify", undefined, { token: await verificationToken(attacker.user.email) })).status).toBe(200);
    await expectProblem(await call("GET", "/me", attacker.accessToken), "unauthorized");
    await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: attacker.refreshToken }), "unauthorized");
  });

  it("the optional credential of a verification must be a live session token: invalid 401, API key 403, nothing changes", async () => {
    const alice = await register();
    const token = await verificationToken(alice.user.email);
    const key = await createKey(alice);
    await env.DB.prepare("UPDATE users SET email_verified_at = NULL WHERE id = ?").bind(alice.user.id).run();
    const before = await snapshot();
    await expectProblem(await call("POST", "/email/verify", "not-a-token", { token }), "unauthorized");
    await expectProblem(
      await call("POST", "/email/verify", key.key, { token }),
      "forbidden",
      "This action needs an access token from a session, not an API key",
    );
    // (the API key's last use is recorded: that is all)
    const after = await snapshot();
    for (const table of ["users", "sessions", "refresh_tokens", "one_time_tokens"]) expect(after[table], table).toEqual(before[table]);
    // another account's session keeps nothing of this one
    const bob = await register();
    expect((await call("POST", "/email/verify", bob.accessToken, { token })).status).toBe(200);
    await expectProblem(await call("GET", "/me", alice.accessToken), "unauthorized");
    expect((await call("GET", "/me", bob.accessToken)).status).toBe(200);
  });

  it("a later verification (of a changed address) leaves the account's credentials alone", async () => {
    const alice = await register();
    await verifyAddress(alice);
    const key = await createKey(alice);
    const other = await login(alice.user.email, alice.password);
    const email = `next-${crypto.randomUUID()}@example.com`;
    expect((await call("PATCH", "/me", alice.accessToken, { email })).status).toBe(200);
    expect((await call("POST", "/email/verify", undefined, { token: await verificationToken(email) })).status).toBe(200);
    expect((await call("GET", "/me", other.accessToken)).status).toBe(200);
    expect((await call("GET", "/me", key.key)).status).toBe(200);
  });
});
