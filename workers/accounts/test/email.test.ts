import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, call, expectInvalid, expectProblem, markVerified, outbox, rawBody, register, type SessionBody, snapshot } from "./helpers";

const INVALID = "The verification token is invalid, expired or already used";
/** Verifies with a token, optionally from a session of the account (which the first verification keeps). */
const verify = (token: string, session?: string) => call("POST", "/email/verify", session, { token });
const tokenOf = async (email: string) => (await outbox(email)).find((m) => m.kind === "email_verification")?.payload.token as string;

describe("POST /auth/v1/email/verify", () => {
  it("confirms the address with the token from the registration email: 200 {user} with emailVerified true", async () => {
    const alice = await register();
    const res = await verify(await tokenOf(alice.user.email), alice.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { ...alice.user, emailVerified: true } });
    expect(((await (await call("GET", "/me", alice.accessToken)).json()) as SessionBody).user.emailVerified).toBe(true);
  });

  it("a token works once", async () => {
    const alice = await register();
    const token = await tokenOf(alice.user.email);
    expect((await verify(token)).status).toBe(200);
    const before = await snapshot();
    await expectProblem(await verify(token), "bad_request", INVALID);
    expect(await snapshot()).toEqual(before);
  });

  it("an expired token is 400 and the address stays unverified", async () => {
    const alice = await register();
    const token = await tokenOf(alice.user.email);
    await env.DB.prepare("UPDATE one_time_tokens SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, alice.user.id)
      .run();
    await expectProblem(await verify(token), "bad_request", INVALID);
    expect(((await (await call("GET", "/me", alice.accessToken)).json()) as SessionBody).user.emailVerified).toBe(false);
  });

  it("a token sent to a previous address does not verify the new one", async () => {
    const alice = await register();
    const oldToken = await tokenOf(alice.user.email);
    const email = `new-${crypto.randomUUID()}@example.com`;
    await call("PATCH", "/me", alice.accessToken, { email });
    await expectProblem(await verify(oldToken), "bad_request", INVALID);
    const res = await verify(await tokenOf(email));
    expect(((await res.json()) as SessionBody).user).toMatchObject({ email, emailVerified: true });
  });

  it("an unknown token is 400", async () => {
    await expectProblem(await verify("Z".repeat(43)), "bad_request", INVALID);
  });

  it.each([
    [{}, "token"],
    [{ token: "" }, "token"],
    [{ token: "t".repeat(513) }, "token"],
    [{ token: 1 }, "token"],
    [{ token: "abc\ud800" }, "token"],
    [{ token: "abc", other: 1 }, ""],
  ])("422 for %j", async (body, path) => {
    await expectInvalid(await call("POST", "/email/verify", undefined, body), path);
  });

  it("malformed JSON 400, text 415, 2 MiB 413", async () => {
    await expectProblem(await SELF.fetch(`${BASE}/email/verify`, rawBody("POST", "{")), "malformed_json");
    await expectProblem(await SELF.fetch(`${BASE}/email/verify`, rawBody("POST", "x", undefined, "text/plain")), "unsupported_media_type");
    await expectProblem(
      await SELF.fetch(`${BASE}/email/verify`, rawBody("POST", JSON.stringify({ token: "x".repeat(2 << 20) }))),
      "payload_too_large",
    );
  });
});

describe("POST /auth/v1/email/verify/request", () => {
  it("queues a new verification email: 202", async () => {
    const alice = await register();
    const res = await call("POST", "/email/verify/request", alice.accessToken);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    const mails = (await outbox(alice.user.email)).filter((m) => m.kind === "email_verification");
    expect(mails).toHaveLength(2);
    expect(mails[0]?.payload.token).not.toBe(mails[1]?.payload.token);
    // both tokens are valid until used or expired
    expect((await verify(mails[0]?.payload.token as string)).status).toBe(200);
    const expires = Date.parse(mails[0]?.payload.expiresAt as string) - Date.parse(mails[0]?.createdAt as string);
    expect(expires).toBe(24 * 60 * 60_000);
  });

  it("409 when the address is already verified; nothing queued", async () => {
    const alice = await register();
    await verify(await tokenOf(alice.user.email), alice.accessToken);
    const before = await snapshot();
    await expectProblem(
      await call("POST", "/email/verify/request", alice.accessToken),
      "conflict",
      "The email address is already verified",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("works with an API key that has account:write, not with one that lacks it", async () => {
    const alice = await register();
    // keys need a verified address: made while it was, then the address is unverified again (an account from before keys needed one)
    await markVerified(alice);
    const create = async (scopes: string[]) =>
      ((await (await call("POST", "/api-keys", alice.accessToken, { name: "k", scopes })).json()) as { key: string }).key;
    const [readOnly, writer] = [await create(["account:read"]), await create(["account:write"])];
    await env.DB.prepare("UPDATE users SET email_verified_at = NULL WHERE id = ?").bind(alice.user.id).run();
    await expectProblem(
      await call("POST", "/email/verify/request", readOnly),
      "forbidden",
      'This credential lacks the "account:write" scope',
    );
    expect((await call("POST", "/email/verify/request", writer)).status).toBe(202);
  });

  it("the 6th request within an hour is 429", async () => {
    const alice = await register();
    for (let i = 0; i < 5; i++) expect((await call("POST", "/email/verify/request", alice.accessToken)).status).toBe(202);
    const res = await call("POST", "/email/verify/request", alice.accessToken);
    await expectProblem(res, "rate_limited");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
