import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { BASE, call, expectInvalid, expectProblem, login, rawBody, register, type SessionBody, sidOf, snapshot } from "./helpers";

const INVALID_REFRESH = "The refresh token is invalid, expired or revoked";
const refresh = (refreshToken: string) => call("POST", "/refresh", undefined, { refreshToken });

describe("POST /auth/v1/refresh", () => {
  it("rotates: a new access token in the same session and a new refresh token", async () => {
    const alice = await register();
    const res = await refresh(alice.refreshToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as SessionBody;
    expect(body).toEqual({ user: alice.user, accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(body.refreshToken).not.toBe(alice.refreshToken);
    expect(sidOf(body.accessToken)).toBe(alice.sessionId);
    expect(decodeJwt(body.accessToken).jti).not.toBe(decodeJwt(alice.accessToken).jti);
    // and the chain goes on
    const next = await refresh(body.refreshToken);
    expect(next.status).toBe(200);
  });

  it("reuse of a rotated token revokes the whole family: the newest token stops working too", async () => {
    const alice = await register();
    const first = (await (await refresh(alice.refreshToken)).json()) as SessionBody;
    const second = (await (await refresh(first.refreshToken)).json()) as SessionBody;
    // replaying the first, already-rotated token
    await expectProblem(await refresh(alice.refreshToken), "unauthorized", INVALID_REFRESH);
    await expectProblem(await refresh(second.refreshToken), "unauthorized", INVALID_REFRESH);
    const row = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?")
      .bind(alice.sessionId)
      .first<{ revoked_at: number | null }>();
    expect(row?.revoked_at).toEqual(expect.any(Number));
    // the session's access tokens are refused by accounts at once
    await expectProblem(await call("GET", "/me", second.accessToken), "unauthorized", "The session of this access token has ended");
  });

  it("reuse revokes only that family: the user's other sessions keep working", async () => {
    const alice = await register();
    const other = await login(alice.user.email, alice.password);
    await refresh(alice.refreshToken);
    await refresh(alice.refreshToken);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it("two concurrent refreshes with one token: exactly one 200", async () => {
    const alice = await register();
    const results = await Promise.all([refresh(alice.refreshToken), refresh(alice.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const loser = results.find((r) => r.status === 401) as Response;
    await expectProblem(loser, "unauthorized", INVALID_REFRESH);
    // only one successor was ever stored: the family never forks
    const tokens = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?").bind(alice.sessionId).first();
    expect(tokens).toEqual({ n: 2 });
  });

  it("many concurrent refreshes with one token: exactly one 200", async () => {
    const alice = await register();
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(alice.refreshToken)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it("an unknown token is 401", async () => {
    await expectProblem(await refresh("x".repeat(43)), "unauthorized", INVALID_REFRESH);
  });

  it("an expired token is 401 and changes nothing", async () => {
    const alice = await register();
    await env.DB.prepare("UPDATE refresh_tokens SET expires_at = ? WHERE session_id = ?")
      .bind(Date.now() - 1, alice.sessionId)
      .run();
    const before = await snapshot();
    await expectProblem(await refresh(alice.refreshToken), "unauthorized", INVALID_REFRESH);
    expect(await snapshot()).toEqual(before);
  });

  it("a token of a logged-out session is 401", async () => {
    const alice = await register();
    expect((await call("POST", "/logout", alice.accessToken)).status).toBe(204);
    await expectProblem(await refresh(alice.refreshToken), "unauthorized", INVALID_REFRESH);
  });

  it("an access token is not a refresh token (a JWT is not even shaped like one: 422)", async () => {
    const alice = await register();
    await expectInvalid(await refresh(alice.accessToken), "refreshToken", /URL-safe base64/);
  });

  it.each([
    ["missing", {}, /expected string/],
    ["empty", { refreshToken: "" }, /empty/],
    ["too long", { refreshToken: "r".repeat(513) }, /at most 512/],
    ["a number", { refreshToken: 5 }, /expected string/],
    ["a lone surrogate", { refreshToken: "abc\ud800" }, /Unicode/],
    ["SQL-ish", { refreshToken: "x' OR '1'='1" }, /URL-safe base64/],
  ] as const)("422 for a refreshToken that is %s", async (_, body, message) => {
    await expectInvalid(await call("POST", "/refresh", undefined, body), "refreshToken", message);
  });

  it.each([
    ["malformed JSON", () => rawBody("POST", '{"refreshToken":'), "malformed_json"],
    ["text/plain", () => rawBody("POST", '{"refreshToken":"x"}', undefined, "text/plain"), "unsupported_media_type"],
    ["2 MiB", () => rawBody("POST", JSON.stringify({ refreshToken: "x".repeat(2 * 1024 * 1024) })), "payload_too_large"],
  ] as const)("%s is a problem", async (_, init, code) => {
    await expectProblem(await SELF.fetch(`${BASE}/refresh`, init()), code);
  });
});

describe("POST /auth/v1/logout", () => {
  it("revokes the caller's session: 204, its refresh token and access token stop working", async () => {
    const alice = await register();
    const res = await call("POST", "/logout", alice.accessToken);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectProblem(await refresh(alice.refreshToken), "unauthorized");
    await expectProblem(await call("GET", "/me", alice.accessToken), "unauthorized", "The session of this access token has ended");
  });

  it("leaves the user's other sessions alone", async () => {
    const alice = await register();
    const other = await login(alice.user.email, alice.password);
    expect((await call("POST", "/logout", alice.accessToken)).status).toBe(204);
    expect((await call("GET", "/me", other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it("with {refreshToken}, also revokes that token's session when it is the caller's", async () => {
    const alice = await register();
    const other = await login(alice.user.email, alice.password);
    expect((await call("POST", "/logout", alice.accessToken, { refreshToken: other.refreshToken })).status).toBe(204);
    await expectProblem(await refresh(other.refreshToken), "unauthorized");
  });

  it("ignores another user's refresh token", async () => {
    const alice = await register();
    const bob = await register();
    expect((await call("POST", "/logout", alice.accessToken, { refreshToken: bob.refreshToken })).status).toBe(204);
    expect((await refresh(bob.refreshToken)).status).toBe(200);
  });

  it("a second logout with the same access token is 401", async () => {
    const alice = await register();
    await call("POST", "/logout", alice.accessToken);
    await expectProblem(await call("POST", "/logout", alice.accessToken), "unauthorized");
  });

  it("validates the optional body: 422 for unknown fields, 415 for text, 400 for malformed JSON; the session stays", async () => {
    const alice = await register();
    await expectInvalid(await call("POST", "/logout", alice.accessToken, { all: true }), "");
    await expectProblem(
      await SELF.fetch(`${BASE}/logout`, rawBody("POST", "bye", alice.accessToken, "text/plain")),
      "unsupported_media_type",
    );
    await expectProblem(await SELF.fetch(`${BASE}/logout`, rawBody("POST", "{", alice.accessToken)), "malformed_json");
    expect((await call("GET", "/me", alice.accessToken)).status).toBe(200);
  });
});
