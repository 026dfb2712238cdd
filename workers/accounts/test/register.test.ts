import { env, SELF } from "cloudflare:test";
import { hostileBodies } from "@edgeworks/testing";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { BASE, call, expectInvalid, expectProblem, outbox, rawBody, register, type SessionBody, snapshot } from "./helpers";

const PASSWORD = "correct horse battery staple";
const uniqueEmail = () => `reg-${crypto.randomUUID()}@example.com`;

describe("POST /auth/v1/register", () => {
  it("creates the account and a session: 201 with user, tokens and expiresIn 900", async () => {
    const before = Date.now();
    const email = uniqueEmail();
    const res = await call("POST", "/register", undefined, { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: "  Ann Lee " });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as SessionBody;
    expect(body).toEqual({
      user: {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
        email,
        name: "Ann Lee",
        createdAt: expect.any(String),
        emailVerified: false,
        pendingEmail: null,
      },
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresIn: 900,
    });
    expect(body.user.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(body.user.createdAt)).toBeGreaterThanOrEqual(before - 1);
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({ sub: body.user.id, iss: "edgeworks-accounts", aud: "edgeworks", scope: "*" });
    expect(decodeProtectedHeader(body.accessToken)).toMatchObject({ alg: "ES256", kid: "test-key-1" });
  });

  it("stores a PBKDF2 hash, never the password, and only a SHA-256 of the refresh token", async () => {
    const alice = await register({ password: PASSWORD });
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(alice.user.id).first<Record<string, unknown>>();
    expect(String(row?.password_hash)).toMatch(/^pbkdf2-sha256\$100000\$/);
    const dump = JSON.stringify(await snapshot());
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(alice.refreshToken);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(alice.refreshToken)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(await env.DB.prepare("SELECT session_id FROM refresh_tokens WHERE token_hash = ?").bind(hash).first()).toEqual({
      session_id: alice.sessionId,
    });
  });

  it("queues an email-verification message with a one-time token", async () => {
    const alice = await register();
    const mails = await outbox(alice.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      kind: "email_verification",
      to: alice.user.email,
      subject: "Verify your email address",
      sentAt: null,
    });
    expect(mails[0]?.payload.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mails[0]?.payload.link).toBe(`https://edgeworks.example/auth/v1/email/verify?token=${mails[0]?.payload.token}`);
    expect(mails[0]?.body).toContain(mails[0]?.payload.link);
  });

  it("without a name, name is null", async () => {
    const alice = await register();
    expect(alice.user.name).toBeNull();
  });

  it("refuses a duplicate email, whatever its case and spacing: 409 and nothing changes", async () => {
    const alice = await register();
    const before = await snapshot();
    const res = await call("POST", "/register", undefined, { email: ` ${alice.user.email.toUpperCase()}`, password: "another password" });
    await expectProblem(res, "conflict", "An account with this email already exists");
    expect(await snapshot()).toEqual(before);
  });

  it("two concurrent registrations of one email: exactly one wins", async () => {
    const email = uniqueEmail();
    const results = await Promise.all([1, 2].map(() => call("POST", "/register", undefined, { email, password: PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).first()).toEqual({ n: 1 });
  });

  it("stores SQL-ish and markup text literally", async () => {
    const name = "Robert'); DROP TABLE users;-- <script>";
    const alice = await register({ name });
    expect(alice.user.name).toBe(name);
    const me = await call("GET", "/me", alice.accessToken);
    expect(((await me.json()) as SessionBody).user.name).toBe(name);
  });

  const cases: [string, Record<string, unknown>, string, RegExp?][] = [
    ["missing email", { password: PASSWORD }, "email"],
    ["email not a string", { email: 42, password: PASSWORD }, "email"],
    ["email without @", { email: "not-an-email", password: PASSWORD }, "email", /email address/],
    ["email of 255 characters", { email: `${"a".repeat(243)}@example.com`, password: PASSWORD }, "email", /at most 254/],
    ["email with a NUL", { email: "a\u0000b@example.com", password: PASSWORD }, "email"],
    ["missing password", { email: "x@example.com" }, "password"],
    ["password of 7 characters", { email: "x@example.com", password: "1234567" }, "password", /at least 8/],
    ["password of 257 characters", { email: "x@example.com", password: "p".repeat(257) }, "password", /at most 256/],
    ["password with a lone surrogate", { email: "x@example.com", password: "abcdefgh\ud800" }, "password", /Unicode/],
    ["empty name", { email: "x@example.com", password: PASSWORD, name: "" }, "name", /empty/],
    ["blank name", { email: "x@example.com", password: PASSWORD, name: "   " }, "name", /blank/],
    ["name of Unicode spaces", { email: "x@example.com", password: PASSWORD, name: "\u2003\u00a0\u3000" }, "name", /blank/],
    [
      "name of 101 characters with spaces around",
      { email: "x@example.com", password: PASSWORD, name: ` ${"n".repeat(99)} ` },
      "name",
      /at most 100/,
    ],
    ["email with a space inside", { email: "a b@example.com", password: PASSWORD }, "email", /email address/],
    ["email without a dotted domain", { email: "a@localhost", password: PASSWORD }, "email", /email address/],
    ["name of 101 characters", { email: "x@example.com", password: PASSWORD, name: "n".repeat(101) }, "name", /at most 100/],
    ["name with NUL", { email: "x@example.com", password: PASSWORD, name: "a\u0000b" }, "name", /NUL/],
    ["unknown field", { email: "x@example.com", password: PASSWORD, admin: true }, ""],
  ];
  it.each(cases)("422 for %s, nothing stored", async (_, body, path, message) => {
    const before = await snapshot();
    await expectInvalid(await call("POST", "/register", undefined, body), path, message);
    expect(await snapshot()).toEqual(before);
  });

  it("a 160k-character email is refused on its length alone, before the pattern runs (issue 10 item 1)", async () => {
    const res = await call("POST", "/register", undefined, { email: `a@${"a.".repeat(80_000)}\u0000`, password: PASSWORD });
    const body = await expectProblem(res, "validation_failed", "The request has invalid fields");
    expect(body.errors).toEqual([{ path: "email", location: "body", message: "Must be at most 254 characters" }]);
  });

  it("accepts boundary lengths: email of 254, password of 8 and 256, name of 100", async () => {
    const email = `${"a".repeat(54)}${crypto.randomUUID().slice(0, 10)}@${"d".repeat(60)}.${"e".repeat(60)}.${"f".repeat(63)}.com`;
    expect(email.length).toBe(254);
    const short = await call("POST", "/register", undefined, { email, password: "12345678", name: "n".repeat(100) });
    expect(short.status).toBe(201);
    const long = await call("POST", "/register", undefined, { email: uniqueEmail(), password: "p".repeat(256) });
    expect(long.status).toBe(201);
  });

  it("counts characters as code points, as the OpenAPI limits do", async () => {
    const emoji = "😀".repeat(100); // 100 code points, 200 UTF-16 units
    const res = await call("POST", "/register", undefined, { email: uniqueEmail(), password: "🔑".repeat(8), name: emoji });
    expect(res.status).toBe(201);
    expect(((await res.json()) as SessionBody).user.name).toBe(emoji);
    await expectInvalid(
      await call("POST", "/register", undefined, { email: uniqueEmail(), password: "🔑".repeat(7) }),
      "password",
      /at least 8/,
    );
  });

  it("a password is kept exactly, spaces included", async () => {
    const alice = await register({ password: "  spaced password  " });
    expect((await call("POST", "/login", undefined, { email: alice.user.email, password: "  spaced password  " })).status).toBe(200);
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: "spaced password" }), "unauthorized");
  });

  describe("hostile bodies: a problem and nothing stored", () => {
    const url = `${BASE}/register`;
    it.each([
      ["malformed JSON", () => rawBody("POST", '{"email": "x@example.com",'), "malformed_json"],
      ["a JSON array", () => rawBody("POST", "[]"), "validation_failed"],
      ["JSON null", () => rawBody("POST", "null"), "validation_failed"],
      ["an empty body", () => rawBody("POST", ""), "malformed_json"],
      [
        "text/plain",
        () => rawBody("POST", JSON.stringify({ email: "x@example.com", password: PASSWORD }), undefined, "text/plain"),
        "unsupported_media_type",
      ],
      ["a form", () => rawBody("POST", "email=x%40example.com", undefined, "application/x-www-form-urlencoded"), "unsupported_media_type"],
      ["2 MiB", () => rawBody("POST", hostileBodies.twoMiB), "payload_too_large"],
      [
        "a lone surrogate in name",
        () => rawBody("POST", '{"email":"x@example.com","password":"abcdefghij","name":"bad \\ud800 text"}'),
        "validation_failed",
      ],
    ] as const)("%s", async (_, init, code) => {
      const before = await snapshot();
      await expectProblem(await SELF.fetch(url, init()), code);
      expect(await snapshot()).toEqual(before);
    });
  });
});
