import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, createKey, expectInvalid, expectProblem, login, rawBody, register, snapshot } from "./helpers";

const NEW_PASSWORD = "a brand new passphrase";

describe("POST /auth/v1/password", () => {
  it("changes the password: 204, the old one stops working, the new one works", async () => {
    const alice = await register();
    const res = await call("POST", "/password", alice.accessToken, { currentPassword: alice.password, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(204);
    await expectProblem(await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password }), "unauthorized");
    await login(alice.user.email, NEW_PASSWORD);
  });

  it("revokes every other session but keeps the caller's", async () => {
    const alice = await register();
    const laptop = await login(alice.user.email, alice.password);
    const phone = await login(alice.user.email, alice.password);
    expect(
      (await call("POST", "/password", alice.accessToken, { currentPassword: alice.password, newPassword: NEW_PASSWORD })).status,
    ).toBe(204);
    for (const other of [laptop, phone]) {
      await expectProblem(await call("POST", "/refresh", undefined, { refreshToken: other.refreshToken }), "unauthorized");
      await expectProblem(await call("GET", "/me", other.accessToken), "unauthorized");
    }
    expect((await call("GET", "/me", alice.accessToken)).status).toBe(200);
    expect((await call("POST", "/refresh", undefined, { refreshToken: alice.refreshToken })).status).toBe(200);
  });

  it("403 for a wrong current password; nothing changes", async () => {
    const alice = await register();
    const before = await snapshot();
    const res = await call("POST", "/password", alice.accessToken, { currentPassword: "not my password", newPassword: NEW_PASSWORD });
    await expectProblem(res, "forbidden", "The current password is incorrect");
    expect(await snapshot()).toEqual(before);
  });

  it("an API key cannot change the password: 403", async () => {
    const alice = await register();
    const { key } = await createKey(alice, { name: "ci" });
    const before = await snapshot();
    await expectProblem(
      await call("POST", "/password", key, { currentPassword: alice.password, newPassword: NEW_PASSWORD }),
      "forbidden",
      "This action needs an access token from a session, not an API key",
    );
    expect((await snapshot()).users).toEqual(before.users);
  });

  it("limits attempts per user: the 11th within 15 minutes is 429", async () => {
    const alice = await register();
    for (let i = 0; i < 10; i++) {
      expect(
        (await call("POST", "/password", alice.accessToken, { currentPassword: `wrong ${i}`, newPassword: NEW_PASSWORD })).status,
      ).toBe(403);
    }
    const res = await call("POST", "/password", alice.accessToken, { currentPassword: alice.password, newPassword: NEW_PASSWORD });
    await expectProblem(res, "rate_limited");
    expect(res.headers.get("Retry-After")).toBeTruthy();
  });

  it.each([
    ["a new password of 7 characters", { currentPassword: "x", newPassword: "1234567" }, "newPassword", /at least 8/],
    ["a new password of 257 characters", { currentPassword: "x", newPassword: "p".repeat(257) }, "newPassword", /at most 256/],
    ["an empty current password", { currentPassword: "", newPassword: NEW_PASSWORD }, "currentPassword", /empty/],
    ["a lone surrogate", { currentPassword: "x", newPassword: "abcdefgh\ud83d" }, "newPassword", /Unicode/],
    ["an unknown field", { currentPassword: "x", newPassword: NEW_PASSWORD, logoutOthers: false }, "", undefined],
  ] as const)("422 for %s; nothing changes", async (_, body, path, message) => {
    const alice = await register();
    const before = await snapshot();
    await expectInvalid(await call("POST", "/password", alice.accessToken, body), path, message);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["malformed JSON", "{", "application/json", "malformed_json"],
    ["text/plain", "x", "text/plain", "unsupported_media_type"],
  ] as const)("%s is a problem", async (_, body, type, code) => {
    const alice = await register();
    await expectProblem(await SELF.fetch(`${BASE}/password`, rawBody("POST", body, alice.accessToken, type)), code);
  });
});
