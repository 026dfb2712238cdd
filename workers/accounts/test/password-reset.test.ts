import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectInvalid, expectProblem, freshIp, login, outbox, rawBody, register, snapshot, waitForMail } from "./helpers";

const NEW_PASSWORD = "a brand new passphrase";

describe("password reset", () => {
  const forgot = (email: string, ip = freshIp()) => call("POST", "/password/forgot", undefined, { email }, { "CF-Connecting-IP": ip });
  const reset = (token: string, newPassword = NEW_PASSWORD) => call("POST", "/password/reset", undefined, { token, newPassword });
  const resetTokenFor = async (email: string, n = 1) => (await waitForMail(email, "password_reset", n)).payload.token as string;

  it("forgot is 202 for an existing account and queues a reset email with a one-time token", async () => {
    const alice = await register();
    const res = await forgot(` ${alice.user.email.toUpperCase()} `);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    const mail = await waitForMail(alice.user.email, "password_reset");
    expect(mail).toMatchObject({ to: alice.user.email, subject: "Reset your password", sentAt: null });
    expect(mail.payload.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mail.body).toContain(mail.payload.token);
    const expires = Date.parse(mail.payload.expiresAt as string) - Date.parse(mail.createdAt);
    expect(expires).toBe(60 * 60_000);
    // stored hashed only
    expect(JSON.stringify((await snapshot()).one_time_tokens)).not.toContain(mail.payload.token);
  });

  it("forgot is the same 202 for an unknown email, and nothing is queued", async () => {
    const email = `nobody-${crypto.randomUUID()}@example.com`;
    const res = await forgot(email);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    await new Promise((r) => setTimeout(r, 100));
    expect(await outbox(email)).toEqual([]);
  });

  it("reset sets the new password, consumes the token and revokes every session", async () => {
    const alice = await register();
    const other = await login(alice.user.email, alice.password);
    await forgot(alice.user.email);
    const token = await resetTokenFor(alice.user.email);
    const res = await reset(token);
    expect(res.status).toBe(204);
    for (const s of [alice, other]) {
      await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: s.refreshToken }), "unauthorized");
      await expectProblem(await call("GET", "/me", s.accessToken), "unauthorized");
    }
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
    const fresh = await login(alice.user.email, NEW_PASSWORD);
    // the email reached its owner, so the address counts as verified
    expect(fresh.user.emailVerified).toBe(true);
  });

  it("a token works once: the second use is 400 and changes nothing", async () => {
    const alice = await register();
    await forgot(alice.user.email);
    const token = await resetTokenFor(alice.user.email);
    expect((await reset(token)).status).toBe(204);
    const before = await snapshot();
    await expectProblem(await reset(token, "yet another password"), "bad_request", "The reset token is invalid, expired or already used");
    expect(await snapshot()).toEqual(before);
    await login(alice.user.email, NEW_PASSWORD);
  });

  it("two concurrent resets with one token: exactly one 204", async () => {
    const alice = await register();
    await forgot(alice.user.email);
    const token = await resetTokenFor(alice.user.email);
    const results = await Promise.all([reset(token, "first new password"), reset(token, "second new password")]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
    const winner = results[0]?.status === 204 ? "first new password" : "second new password";
    await login(alice.user.email, winner);
  });

  it("a reset makes older reset links useless", async () => {
    const alice = await register();
    await forgot(alice.user.email);
    const older = await resetTokenFor(alice.user.email, 1);
    await forgot(alice.user.email);
    const newer = await resetTokenFor(alice.user.email, 2);
    expect(newer).not.toBe(older);
    expect((await reset(newer)).status).toBe(204);
    await expectProblem(await reset(older), "bad_request");
  });

  it("an expired token is 400", async () => {
    const alice = await register();
    await forgot(alice.user.email);
    const token = await resetTokenFor(alice.user.email);
    await env.DB.prepare("UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ? AND kind = 'password_reset'")
      .bind(Date.now() - 1, alice.user.id)
      .run();
    await expectProblem(await reset(token), "bad_request", "The reset token is invalid, expired or already used");
    await login(alice.user.email, alice.password);
  });

  it("a token sent to a previous address is 400", async () => {
    const alice = await register();
    await forgot(alice.user.email);
    const token = await resetTokenFor(alice.user.email);
    const moved = `moved-${crypto.randomUUID()}@example.com`;
    await call("PATCH", "/me", alice.accessToken, { email: moved });
    const verification = (await outbox(moved)).find((m) => m.kind === "email_verification");
    expect((await call("POST", "/email/verify", undefined, { token: verification?.payload.token })).status).toBe(200);
    await expectProblem(await reset(token), "bad_request");
  });

  it("an email-verification token is not a reset token", async () => {
    const alice = await register();
    const [verification] = await outbox(alice.user.email);
    await expectProblem(await reset(verification?.payload.token as string), "bad_request");
  });

  it("an unknown token is 400", async () => {
    await expectProblem(await reset("A".repeat(43)), "bad_request");
  });

  it("per address, at most 3 emails an hour; more requests are still 202", async () => {
    const alice = await register();
    for (let i = 0; i < 5; i++) expect((await forgot(alice.user.email)).status).toBe(202);
    await waitForMail(alice.user.email, "password_reset", 3);
    await new Promise((r) => setTimeout(r, 100));
    expect((await outbox(alice.user.email)).filter((m) => m.kind === "password_reset")).toHaveLength(3);
  });

  it("per IP, the 11th request within 15 minutes is 429", async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await forgot(`n${i}-${crypto.randomUUID()}@example.com`, ip)).status).toBe(202);
    const res = await forgot(`x-${crypto.randomUUID()}@example.com`, ip);
    await expectProblem(res, "rate_limited", /^Too many password reset requests/);
    expect(res.headers.get("Retry-After")).toBeTruthy();
  });

  it.each([
    ["forgot", "/password/forgot", { email: "nope" }, "email"],
    ["forgot", "/password/forgot", {}, "email"],
    ["forgot", "/password/forgot", { email: "a@example.com", extra: 1 }, ""],
    ["reset", "/password/reset", { token: "", newPassword: NEW_PASSWORD }, "token"],
    ["reset", "/password/reset", { token: "t".repeat(513), newPassword: NEW_PASSWORD }, "token"],
    ["reset", "/password/reset", { token: "abc", newPassword: "short" }, "newPassword"],
    ["reset", "/password/reset", { token: "abc", newPassword: "p".repeat(257) }, "newPassword"],
    ["reset", "/password/reset", { newPassword: NEW_PASSWORD }, "token"],
  ] as const)("%s: 422 for %j", async (_, path, body, field) => {
    const before = await snapshot();
    await expectInvalid(await call("POST", path, undefined, body), field);
    expect(await snapshot()).toEqual(before);
  });

  it.each(["/password/forgot", "/password/reset"])("%s: malformed JSON 400, text 415, 2 MiB 413", async (path) => {
    await expectProblem(await SELF.fetch(`${BASE}${path}`, rawBody("POST", "{")), "malformed_json");
    await expectProblem(await SELF.fetch(`${BASE}${path}`, rawBody("POST", "x", undefined, "text/plain")), "unsupported_media_type");
    await expectProblem(
      await SELF.fetch(`${BASE}${path}`, rawBody("POST", JSON.stringify({ token: "x".repeat(2 << 20) }))),
      "payload_too_large",
    );
  });
});
