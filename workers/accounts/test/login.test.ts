import { env, SELF } from "cloudflare:test";
import { hashPassword } from "@edgeworks/auth";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { consume } from "../src/limits";
import { BASE, call, expectInvalid, expectProblem, freshIp, rawBody, register, type SessionBody, snapshot } from "./helpers";

const attempt = (email: string, password: string, ip = freshIp()) =>
  call("POST", "/login", undefined, { email, password }, { "CF-Connecting-IP": ip });

describe("POST /auth/v1/login", () => {
  it("starts a new session: 200 with the session shape, email case and spacing ignored", async () => {
    const alice = await register({ name: "Alice" });
    const res = await attempt(`  ${alice.user.email.toUpperCase()}  `, alice.password);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as SessionBody;
    expect(body).toEqual({ user: alice.user, accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    // a new session: a different family from registration's
    expect(decodeJwt(body.accessToken).sid).not.toBe(alice.sessionId);
    expect(body.refreshToken).not.toBe(alice.refreshToken);
    expect((await call("GET", "/me", body.accessToken)).status).toBe(200);
  });

  it("reports its rate-limit state in RateLimit-* headers", async () => {
    const alice = await register();
    const res = await attempt(alice.user.email, alice.password);
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Limit")).toBe("10");
    expect(res.headers.get("RateLimit-Remaining")).toBe("9");
  });

  it("gives the same 401 for an unknown email and for a wrong password", async () => {
    const alice = await register();
    const before = await snapshot();
    const wrong = await expectProblem(
      await attempt(alice.user.email, "wrong password"),
      "unauthorized",
      "The email or password is incorrect",
    );
    const unknown = await expectProblem(
      await attempt(`nobody-${crypto.randomUUID()}@example.com`, alice.password),
      "unauthorized",
      "The email or password is incorrect",
    );
    expect({ ...wrong, instance: null }).toEqual({ ...unknown, instance: null });
    expect(await snapshot()).toEqual(before);
  });

  it("upgrades a hash made with weaker parameters on the next successful login", async () => {
    const alice = await register();
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(await hashPassword(alice.password, 1000), alice.user.id)
      .run();
    expect((await attempt(alice.user.email, alice.password)).status).toBe(200);
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(alice.user.id).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect((await attempt(alice.user.email, alice.password)).status).toBe(200);
  });

  it("a short password is checked, not refused by validation (no hint about the rules)", async () => {
    const alice = await register();
    await expectProblem(await attempt(alice.user.email, "x"), "unauthorized", "The email or password is incorrect");
  });

  it("per email and network: the 11th attempt within the window is 429 with Retry-After and RateLimit-* headers, even with the right password", async () => {
    const alice = await register();
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await attempt(alice.user.email, `wrong ${i}`, ip);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const limited = await attempt(alice.user.email, alice.password, ip);
    await expectProblem(limited, "rate_limited", /^Too many login attempts; retry after \d+ s$/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(89);
    expect(Number(limited.headers.get("Retry-After"))).toBeLessThanOrEqual(90);
    expect(limited.headers.get("RateLimit-Limit")).toBe("10");
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    expect(Number(limited.headers.get("RateLimit-Reset"))).toBeGreaterThan(0);
  });

  it("per network: the 31st attempt within a minute is 429, for any email", async () => {
    const ip = freshIp();
    // 29 attempts straight into the IP's bucket (a refill every 2 s: over HTTP, 30 password checks could outlast it)
    for (let i = 0; i < 29; i++) expect((await consume(env.RATE_LIMITER, "loginPerNetwork", ip)).allowed).toBe(true);
    expect((await attempt(`nobody-${crypto.randomUUID()}@example.com`, "whatever password", ip)).status).toBe(401);
    const limited = await attempt(`someone-${crypto.randomUUID()}@example.com`, "whatever password", ip);
    await expectProblem(limited, "rate_limited", /^Too many login attempts; retry after \d+ s$/);
    expect(["1", "2"]).toContain(limited.headers.get("Retry-After"));
    expect(limited.headers.get("RateLimit-Limit")).toBe("30");
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    // another client is not affected
    expect((await attempt(`someone-${crypto.randomUUID()}@example.com`, "whatever password")).status).toBe(401);
  });

  it("a successful login clears the email's failures from that network", async () => {
    const alice = await register();
    const ip = freshIp();
    for (let i = 0; i < 9; i++) expect((await attempt(alice.user.email, "wrong", ip)).status).toBe(401);
    expect((await attempt(alice.user.email, alice.password, ip)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50)); // the reset runs after the response
    for (let i = 0; i < 10; i++) expect((await attempt(alice.user.email, "wrong", ip)).status, `attempt ${i + 1}`).toBe(401);
    expect((await attempt(alice.user.email, "wrong", ip)).status).toBe(429);
  });

  const cases: [string, Record<string, unknown>, string, RegExp?][] = [
    ["missing email", { password: "x" }, "email"],
    ["invalid email", { email: "nope", password: "x" }, "email", /email address/],
    ["email of 255 characters", { email: `${"a".repeat(243)}@example.com`, password: "x" }, "email", /at most 254/],
    ["missing password", { email: "a@example.com" }, "password"],
    ["empty password", { email: "a@example.com", password: "" }, "password", /empty/],
    ["password of 257 characters", { email: "a@example.com", password: "p".repeat(257) }, "password", /at most 256/],
    ["password with a lone surrogate", { email: "a@example.com", password: "abc\udfff" }, "password", /Unicode/],
    ["unknown field", { email: "a@example.com", password: "x", remember: true }, ""],
  ];
  it.each(cases)("422 for %s", async (_, body, path, message) => {
    await expectInvalid(await call("POST", "/login", undefined, body), path, message);
  });

  it.each([
    ["malformed JSON", () => rawBody("POST", "{"), "malformed_json"],
    ["text/plain", () => rawBody("POST", '{"email":"a@example.com","password":"x"}', undefined, "text/plain"), "unsupported_media_type"],
    [
      "2 MiB",
      () => rawBody("POST", JSON.stringify({ email: "a@example.com", password: "x".repeat(2 * 1024 * 1024) })),
      "payload_too_large",
    ],
  ] as const)("%s is a problem, no session created", async (_, init, code) => {
    const before = await snapshot();
    await expectProblem(await SELF.fetch(`${BASE}/login`, init()), code);
    expect(await snapshot()).toEqual(before);
  });
});
