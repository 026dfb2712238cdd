import { env } from "cloudflare:test";
import { mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { expectErrors, register, rw, uid } from "./helpers";

const loginWith = (email: string, password: string) => rw("POST", "/users/login", { user: { email, password } });
const claims = (token: string) =>
  JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"))) as {
    sub: string;
    sid: string;
    auth_time: number;
  };
const idOf = (token: string) => claims(token).sub;
const sidOf = (token: string) => claims(token).sid;
/** The fake accounts Worker's RPCs (test/fake-accounts.js), plus its test hook that ends a session. */
const accounts = env.ACCOUNTS as unknown as {
  setPassword(userId: string, password: string, keepSessionId?: string, proof?: object): Promise<{ ok: boolean; reason?: string }>;
  endSession(userId: string, sessionId: string): Promise<void>;
  lastOrigin(path: string): Promise<string | null>;
  lastProof(): Promise<unknown>;
  ageSession(userId: string, sessionId: string, ms: number): Promise<void>;
  verifyPending(email: string): Promise<void>;
};
/** The user's token as a thief would hold it: the same session, refreshed long after its login (auth_time 10 minutes ago). */
const staleToken = (token: string) =>
  mintToken({ sub: idOf(token), sid: sidOf(token), extra: { auth_time: Math.floor(Date.now() / 1000) - 600 } });
const REAUTH = "needs a login within the last 5 minutes: log in again";

describe("POST /api/users", () => {
  it("registers through accounts and returns the user with a token", async () => {
    const name = `reg_${uid()}`;
    const res = await rw("POST", "/users", { user: { username: name, email: `${name}@Example.com`, password: "password123" } });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: Record<string, unknown> };
    expect(user).toEqual({ username: name, email: `${name}@example.com`, bio: null, image: null, token: expect.any(String) });
    const me = await rw("GET", "/user", undefined, user.token as string);
    expect(me.status).toBe(200);
  });

  it.each([
    ["blank username", { username: "", email: "a@example.com", password: "password123" }, { username: ["can't be blank"] }],
    ["missing username", { email: "a@example.com", password: "password123" }, { username: ["can't be blank"] }],
    ["blank email", { username: "x1", email: "", password: "password123" }, { email: ["can't be blank"] }],
    ["bad email", { username: "x1", email: "nope", password: "password123" }, { email: ["is invalid"] }],
    ["blank password", { username: "x1", email: "a@example.com", password: "" }, { password: ["can't be blank"] }],
    [
      "short password",
      { username: "x1", email: "a@example.com", password: "short" },
      { password: ["is too short (minimum is 8 characters)"] },
    ],
    [
      "username with spaces",
      { username: "a b", email: "a@example.com", password: "password123" },
      { username: ["is invalid (letters, digits, '_', '.', '-'; not starting with '.')"] },
    ],
    [
      "dot-dot username",
      { username: "..", email: "a@example.com", password: "password123" },
      { username: ["is invalid (letters, digits, '_', '.', '-'; not starting with '.')"] },
    ],
    ["number as username", { username: 42, email: "a@example.com", password: "password123" }, { username: ["must be a string"] }],
  ])("refuses %s with 422", async (_label, user, errors) => {
    await expectErrors(await rw("POST", "/users", { user }), 422, errors);
  });

  it("refuses a missing user object and malformed JSON with 422", async () => {
    await expectErrors(await rw("POST", "/users", {}), 422, { user: ["can't be blank"] });
    await expectErrors(await rw("POST", "/users", '{"user": {'), 422, { body: ["is not valid JSON"] });
  });

  it("refuses a taken username (any case) and a taken email with 409", async () => {
    const taken = await register("dup");
    await expectErrors(
      await rw("POST", "/users", {
        user: { username: taken.username.toUpperCase(), email: `other_${uid()}@example.com`, password: "password123" },
      }),
      409,
      { username: ["has already been taken"] },
    );
    await expectErrors(
      await rw("POST", "/users", { user: { username: `other_${uid()}`, email: taken.email, password: "password123" } }),
      409,
      { email: ["has already been taken"] },
    );
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const res = await rw("POST", "/users", {
      user: { username: "x".repeat(2 * 1024 * 1024), email: "a@example.com", password: "password123" },
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: { body: ["is too large"] } });
  });
});

describe("links in accounts' emails", () => {
  it("a sign-up calls accounts with the blog's public origin (PUBLIC_ORIGIN, else the request's), never https://accounts.internal", async () => {
    await register("origin");
    expect(env.PUBLIC_ORIGIN).toBe("");
    expect(await accounts.lastOrigin("/auth/v1/register")).toBe("https://blog.test");
  });
});

describe("POST /api/users/login", () => {
  it("logs in and returns the profile", async () => {
    const user = await register("login");
    const res = await rw("POST", "/users/login", { user: { email: user.email, password: "password123" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ username: user.username, email: user.email, bio: null, image: null });
  });

  it("answers 401 credentials invalid for a wrong password or unknown email", async () => {
    const user = await register("login");
    await expectErrors(await rw("POST", "/users/login", { user: { email: user.email, password: "wrong-password" } }), 401, {
      credentials: ["invalid"],
    });
    await expectErrors(await rw("POST", "/users/login", { user: { email: `nobody_${uid()}@example.com`, password: "x" } }), 401, {
      credentials: ["invalid"],
    });
  });

  it("passes accounts' rate limit on as 429", async () => {
    const res = await rw("POST", "/users/login", { user: { email: "limited@example.com", password: "password123" } });
    expect(res.status).toBe(429);
  });

  it("creates a blog profile on first login of an account made elsewhere", async () => {
    // an accounts user who never used the blog: a token for an id the blog has no profile for
    const token = await mintToken({ sub: `outsider${uid()}` });
    const res = await rw("GET", "/user", undefined, token);
    expect(res.status).toBe(200);
    const { user } = (await res.json()) as { user: { username: string; email: string } };
    expect(user.email).toMatch(/@users\.test$/);
    expect(user.username).toMatch(/^outsider/);
  });
});

describe("GET/PUT /api/user", () => {
  it("accepts Token and Bearer schemes and refuses missing, tampered, unsigned and expired tokens", async () => {
    const user = await register("me");
    expect((await rw("GET", "/user", undefined, undefined, { Authorization: `Bearer ${user.token}` })).status).toBe(200);
    await expectErrors(await rw("GET", "/user"), 401, { token: ["is missing"] });
    await expectErrors(await rw("GET", "/user", undefined, tamper(user.token)), 401, { token: ["is invalid"] });
    await expectErrors(await rw("GET", "/user", undefined, unsignedToken("x")), 401, { token: ["is invalid"] });
    await expectErrors(await rw("GET", "/user", undefined, await mintToken({ sub: "x", expiresIn: -60 })), 401, { token: ["is invalid"] });
    await expectErrors(await rw("GET", "/user", undefined, undefined, { Authorization: "Basic abc" }), 401, { token: ["is invalid"] });
  });

  it.each(["Token", "Token null", "Bearer undefined", "Token   "])("treats %j (a logged-out frontend) as no credential", async (header) => {
    expect((await rw("GET", "/articles", undefined, undefined, { Authorization: header })).status).toBe(200);
    await expectErrors(await rw("GET", "/user", undefined, undefined, { Authorization: header }), 401, { token: ["is missing"] });
  });

  it("accepts an API key with the blog scopes, and refuses one that can only read for writes", async () => {
    expect((await rw("GET", "/user", undefined, "ewk_blog_writer_secret")).status).toBe(200);
    await expectErrors(await rw("PUT", "/user", { user: { bio: "x" } }, "ewk_blog_reader_secret"), 401, { token: ["is invalid"] });
    await expectErrors(await rw("GET", "/user", undefined, "ewk_unknown"), 401, { token: ["is invalid"] });
  });

  it("updates bio and image, normalises empty strings to null and keeps other fields", async () => {
    const user = await register("upd");
    let res = await rw("PUT", "/user", { user: { bio: "Hello", image: "https://example.com/a.png" } }, user.token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: object }).user).toMatchObject({
      bio: "Hello",
      image: "https://example.com/a.png",
      username: user.username,
    });
    res = await rw("PUT", "/user", { user: { bio: "", image: null } }, user.token);
    expect(((await res.json()) as { user: object }).user).toMatchObject({ bio: null, image: null });
  });

  it("changes the username, and asks accounts for the new email: it is the account's once verified", async () => {
    const user = await register("chg");
    const name = `new_${uid()}`;
    const res = await rw("PUT", "/user", { user: { username: name, email: `${name}@example.com` } }, user.token);
    expect(res.status).toBe(200);
    // accounts keeps the new address pending (it got a verification link); the old one stays the login
    expect(((await res.json()) as { user: object }).user).toMatchObject({ username: name, email: user.email });
    await expectErrors(await loginWith(`${name}@example.com`, "password123"), 401, { credentials: ["invalid"] });
    await accounts.verifyPending(`${name}@example.com`);
    expect((await loginWith(`${name}@example.com`, "password123")).status).toBe(200);
    const me = (await (await rw("GET", "/user", undefined, user.token)).json()) as { user: { email: string } };
    expect(me.user.email).toBe(`${name}@example.com`);
  });

  it.each([
    ["password", { password: "a new passphrase" }, { password: [REAUTH] }],
    ["email", { email: `late_${uid()}@example.com` }, { email: [REAUTH] }],
    ["password and email", { password: "a new passphrase", email: `late_${uid()}@example.com` }, { email: [REAUTH], password: [REAUTH] }],
  ])("refuses a %s change more than 5 minutes after login: 403, nothing changes", async (_label, change, errors) => {
    const u = await register("late");
    await expectErrors(await rw("PUT", "/user", { user: { ...change, bio: "not saved" } }, await staleToken(u.token)), 403, errors);
    expect((await loginWith(u.email, "password123")).status).toBe(200);
    const me = (await (await rw("GET", "/user", undefined, u.token)).json()) as { user: { email: string; bio: string | null } };
    expect(me.user).toMatchObject({ email: u.email, bio: null });
    // the rest of the profile needs no fresh login
    expect((await rw("PUT", "/user", { user: { bio: "saved" } }, await staleToken(u.token))).status).toBe(200);
  });

  it("passes the token's auth_time on to accounts, which refuses what it cannot prove either (403)", async () => {
    const u = await register("proof");
    expect((await rw("PUT", "/user", { user: { password: "a new passphrase" } }, u.token)).status).toBe(200);
    expect(await accounts.lastProof()).toEqual({ authTime: claims(u.token).auth_time });
    // a session that accounts knows started long ago: refused there even if the blog's check passed
    const old = await register("oldsession");
    await accounts.ageSession(idOf(old.token), sidOf(old.token), 10 * 60_000);
    await expectErrors(await rw("PUT", "/user", { user: { password: "a new passphrase" } }, old.token), 403, { password: [REAUTH] });
    expect((await loginWith(old.email, "password123")).status).toBe(200);
  });

  it("refuses a taken username or email with 409 and changes nothing", async () => {
    const a = await register("a");
    const b = await register("b");
    await expectErrors(await rw("PUT", "/user", { user: { username: b.username } }, a.token), 409, {
      username: ["has already been taken"],
    });
    await expectErrors(await rw("PUT", "/user", { user: { email: b.email } }, a.token), 409, { email: ["has already been taken"] });
    const me = (await (await rw("GET", "/user", undefined, a.token)).json()) as { user: { username: string; email: string } };
    expect(me.user).toMatchObject({ username: a.username, email: a.email });
  });

  it.each([
    ["empty email", { email: "" }, { email: ["can't be blank"] }],
    ["null email", { email: null }, { email: ["can't be blank"] }],
    ["empty username", { username: "" }, { username: ["can't be blank"] }],
    ["null username", { username: null }, { username: ["can't be blank"] }],
    ["a javascript: image", { image: "javascript:alert(1)" }, { image: ["must be an http(s) URL"] }],
    ["a password of 7 characters", { password: "1234567" }, { password: ["is too short (minimum is 8 characters)"] }],
    ["a password of 257 characters", { password: "p".repeat(257) }, { password: ["is too long (maximum is 256 characters)"] }],
    ["a password with NUL", { password: "abcdefgh\u0000" }, { password: ["is invalid"] }],
    ["a number as password", { password: 12345678 }, { password: ["must be a string"] }],
    // the RealWorld suite: a blank password is refused, not ignored (NIST 800-63B: 8 at least)
    ["an empty password", { password: "" }, { password: ["can't be blank"] }],
    ["a null password", { password: null }, { password: ["can't be blank"] }],
  ])("refuses %s with 422", async (_label, user, errors) => {
    const u = await register("bad");
    await expectErrors(await rw("PUT", "/user", { user }, u.token), 422, errors);
  });

  it.each([
    ["an empty string", ""],
    ["null", null],
  ])("changes nothing for %s as password (422)", async (_label, password) => {
    const u = await register("nopw");
    await expectErrors(await rw("PUT", "/user", { user: { password, bio: "not kept" } }, u.token), 422, { password: ["can't be blank"] });
    expect((await loginWith(u.email, "password123")).status).toBe(200);
    expect(((await (await rw("GET", "/user", undefined, u.token)).json()) as { user: { bio: null } }).user.bio).toBeNull();
  });

  it("changes the password in accounts: the old one fails, the new one logs in, the token sent stays valid", async () => {
    const u = await register("pw");
    const other = (await (await loginWith(u.email, "password123")).json()) as { user: { token: string } };
    const res = await rw("PUT", "/user", { user: { password: "a new passphrase", bio: "changed" } }, u.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body).toEqual({ user: { email: u.email, token: u.token, username: u.username, bio: "changed", image: null } });
    expect((await rw("GET", "/user", undefined, u.token)).status).toBe(200);
    await expectErrors(await loginWith(u.email, "password123"), 401, { credentials: ["invalid"] });
    expect((await loginWith(u.email, "a new passphrase")).status).toBe(200);
    // the other session ended in accounts (its refresh token is dead); its access token lives out its 15 minutes here
    expect(await accounts.setPassword(idOf(other.user.token), "another passphrase", sidOf(other.user.token))).toMatchObject({
      ok: false,
      reason: "session_revoked",
    });
  });

  it("refuses a password change from a session that already ended (logged out): 401, nothing changes", async () => {
    const u = await register("ended");
    await accounts.endSession(idOf(u.token), sidOf(u.token));
    await expectErrors(await rw("PUT", "/user", { user: { password: "a new passphrase" } }, u.token), 401, { token: ["is invalid"] });
    expect((await loginWith(u.email, "password123")).status).toBe(200);
  });

  it("refuses a password change with an API key (accounts allows it only with a session): 403", async () => {
    await expectErrors(await rw("PUT", "/user", { user: { password: "a new passphrase" } }, "ewk_blog_writer_secret"), 403, {
      password: ["can't be changed with this credential (use a session token)"],
    });
  });

  it("answers 503 when accounts fails, and 401 for an account that no longer exists", async () => {
    const u = await register("down");
    await expectErrors(await rw("PUT", "/user", { user: { password: "accounts is down" } }, u.token), 503, {
      accounts: ["is unavailable, retry later"],
    });
    const outsider = await mintToken({ sub: `gone${uid()}`, extra: { auth_time: Math.floor(Date.now() / 1000) } });
    await expectErrors(await rw("PUT", "/user", { user: { password: "a new passphrase" } }, outsider), 401, { token: ["is invalid"] });
  });

  it("refuses an email change with an API key (accounts allows it only with a session)", async () => {
    const res = await rw("PUT", "/user", { user: { email: `k_${uid()}@example.com` } }, "ewk_blog_writer_secret");
    expect(res.status).toBe(403);
  });
});
