import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectInvalid, expectProblem, outbox, rawBody, register, type SessionBody, snapshot } from "./helpers";

type UserBody = { user: SessionBody["user"] };

describe("GET /auth/v1/me", () => {
  it("returns the caller", async () => {
    const alice = await register({ name: "Alice" });
    const res = await call("GET", "/me", alice.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: alice.user });
  });

  it("each user sees only themselves", async () => {
    const alice = await register();
    const bob = await register();
    expect(((await (await call("GET", "/me", bob.accessToken)).json()) as UserBody).user.id).toBe(bob.user.id);
    expect(((await (await call("GET", "/me", alice.accessToken)).json()) as UserBody).user.id).toBe(alice.user.id);
  });

  it("404 when the account no longer exists", async () => {
    const alice = await register();
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(alice.user.id).run();
    await expectProblem(await call("GET", "/me", alice.accessToken), "not_found", "User not found");
  });
});

describe("PATCH /auth/v1/me", () => {
  it("changes the name, trimmed", async () => {
    const alice = await register({ name: "Alice" });
    const res = await call("PATCH", "/me", alice.accessToken, { name: "  Alice Liddell " });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { ...alice.user, name: "Alice Liddell" } });
    expect(await (await call("GET", "/me", alice.accessToken)).json()).toEqual({ user: { ...alice.user, name: "Alice Liddell" } });
  });

  it("null clears the name; {} changes nothing", async () => {
    const alice = await register({ name: "Alice" });
    expect(((await (await call("PATCH", "/me", alice.accessToken, { name: null })).json()) as UserBody).user.name).toBeNull();
    const before = await snapshot();
    const res = await call("PATCH", "/me", alice.accessToken, {});
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserBody).user).toEqual({ ...alice.user, name: null });
    expect((await snapshot()).outbox).toEqual(before.outbox);
  });

  it("changes the email: normalised, pending until verified, a verification message queued to the new address", async () => {
    const alice = await register();
    await env.DB.prepare("UPDATE users SET email_verified_at = 1 WHERE id = ?").bind(alice.user.id).run();
    const email = `new-${crypto.randomUUID()}@example.com`;
    const res = await call("PATCH", "/me", alice.accessToken, { email: ` ${email.toUpperCase()} ` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { ...alice.user, emailVerified: true, pendingEmail: email } });
    const mails = await outbox(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "email_verification", to: email });
    // once verified, logging in takes the new address
    const verified = await call("POST", "/email/verify", undefined, { token: mails[0]?.payload.token });
    expect(((await verified.json()) as UserBody).user).toMatchObject({ email, emailVerified: true, pendingEmail: null });
    expect((await call("POST", "/login", undefined, { email, password: alice.password })).status).toBe(200);
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
  });

  it("setting the same email again changes nothing and sends nothing", async () => {
    const alice = await register();
    await env.DB.prepare("UPDATE users SET email_verified_at = 1 WHERE id = ?").bind(alice.user.id).run();
    const res = await call("PATCH", "/me", alice.accessToken, { email: alice.user.email.toUpperCase() });
    expect(((await res.json()) as UserBody).user.emailVerified).toBe(true);
    expect(await outbox(alice.user.email)).toHaveLength(1); // only registration's
  });

  it("409 for another account's email (any case); nothing changes", async () => {
    const alice = await register();
    const bob = await register();
    const before = await snapshot();
    await expectProblem(
      await call("PATCH", "/me", alice.accessToken, { email: bob.user.email.toUpperCase() }),
      "conflict",
      "An account with this email already exists",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("stores SQL-ish text literally", async () => {
    const alice = await register();
    const name = `x' OR '1'='1`;
    await call("PATCH", "/me", alice.accessToken, { name });
    const row = await env.DB.prepare("SELECT name FROM users WHERE id = ?").bind(alice.user.id).first();
    expect(row).toEqual({ name });
  });

  it.each([
    ["empty name", { name: "" }, "name", /empty/],
    ["name of 101 characters", { name: "n".repeat(101) }, "name", /at most 100/],
    ["name with a NUL", { name: "a\u0000" }, "name", /NUL/],
    ["name not a string", { name: 3 }, "name", undefined],
    ["invalid email", { email: "alice" }, "email", /email address/],
    ["email of 255 characters", { email: `${"a".repeat(243)}@example.com` }, "email", /at most 254/],
    ["null email", { email: null }, "email", undefined],
    ["an unknown field", { emailVerified: true }, "", undefined],
  ] as const)("422 for %s; nothing changes", async (_, body, path, message) => {
    const alice = await register();
    const before = await snapshot();
    await expectInvalid(await call("PATCH", "/me", alice.accessToken, body), path, message);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["malformed JSON", "{", "application/json", "malformed_json"],
    ["text/plain", '{"name":"x"}', "text/plain", "unsupported_media_type"],
    ["a lone surrogate", '{"name":"bad \\ud800"}', "application/json", "validation_failed"],
    ["2 MiB", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }), "application/json", "payload_too_large"],
  ] as const)("%s is a problem; nothing changes", async (_, body, type, code) => {
    const alice = await register();
    const before = await snapshot();
    await expectProblem(await SELF.fetch(`${BASE}/me`, rawBody("PATCH", body, alice.accessToken, type)), code);
    expect(await snapshot()).toEqual(before);
  });
});
