// Issue 10 ("Hardening what landed"), proven from the outside: each finding of the outside review is
// replayed over HTTP against the real `pnpm dev` stack (every Worker behind the front door), the way the
// reviewer found it. Each `it` failed on the code before issue 10; the unit tests inside workerd cover
// the details. Item numbers are the issue's. Not here: item 5 and 9 (chat, covered in workerd), 10
// (capability secrets in logs, unit-tested), 12's workers_dev (a deploy setting).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";
import { expectProblem, freshIp, outsideClient, PASSWORD, timed, uniqueEmail } from "./outside-client.ts";

let dev: DevServer;
let api: ReturnType<typeof outsideClient>;
beforeAll(async () => {
  dev = await startDev();
  api = outsideClient(dev.url);
});
afterAll(async () => {
  await dev?.stop();
});

const SLOW_MS = 2_000; // the old code took 6-10 s on each of these; a healthy answer takes well under this

describe("item 1: a 160,000-character field ending in NUL", () => {
  it("is refused in well under a second, and /auth/health answers meanwhile", async () => {
    const name = `${"a".repeat(159_999)}\u0000`;
    const register = timed(
      api.call("/auth/v1/register", { ip: freshIp(), json: { email: uniqueEmail("huge"), password: PASSWORD, name } }),
    );
    await new Promise((r) => setTimeout(r, 20)); // the reviewer's health check landed while the register ran
    const health = await timed(api.call("/auth/health"));
    const refused = await register;
    console.info(`item 1: register with a 160k name ${refused.ms} ms, /auth/health during it ${health.ms} ms`);

    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(SLOW_MS); // 9.7 s before the fix
    expect(refused.ms).toBeLessThan(SLOW_MS); // ~10 s before the fix
    const problem = await expectProblem(refused.value, 422);
    expect(problem.errors).toEqual([{ path: "name", location: "body", message: "Must be at most 100 characters" }]);
  });
});

describe("item 2: notes import of a heading that made the title regex cubic", () => {
  const importFile = (token: string, notebookId: string) => {
    const form = new FormData();
    form.set("file", new File([`# a${" ".repeat(2500)}b`], "cubic.md", { type: "text/markdown" }));
    form.set("notebookId", notebookId);
    return timed(api.call("/notes/v1/notes/import", { token, body: form }));
  };

  it("imports promptly for the owner and is a prompt 404 for a stranger", async () => {
    const owner = await api.register("notes-owner");
    const stranger = await api.register("notes-stranger");
    const notebook = await api.json<{ id: string }>(api.call("/notes/v1/notebooks", { token: owner.token, json: { name: "Inbox" } }), 201);

    const imported = await importFile(owner.token, notebook.id);
    const refused = await importFile(stranger.token, notebook.id);
    console.info(`item 2: notes import ${imported.ms} ms (owner), ${refused.ms} ms (stranger)`);

    expect(imported.value.status, await imported.value.clone().text()).toBe(201);
    expect(imported.ms).toBeLessThan(SLOW_MS); // 6 s before the fix
    await expectProblem(refused.value, 404); // the title was parsed before the access check: 6 s for anyone
    expect(refused.ms).toBeLessThan(1_000);
  });
});

describe("item 3: a stolen access token cannot take the account", () => {
  it("needs the current password, keeps the new address pending, and lets the old one revert", async () => {
    const victim = await api.register("victim");
    const thiefEmail = uniqueEmail("thief");
    const me = () =>
      api.json<{ user: { email: string; pendingEmail: string | null } }>(api.call("/auth/v1/me", { token: victim.token }), 200);

    // the thief holds only the access token: a guessed password is refused and nothing changes
    const guessed = await api.call("/auth/v1/me", {
      method: "PATCH",
      token: victim.token,
      json: { email: thiefEmail, currentPassword: "a wrong guess" },
    });
    expect((await expectProblem(guessed, 403)).code).toBe("forbidden");
    expect((await me()).user).toMatchObject({ email: victim.email, pendingEmail: null });
    expect(await api.outbox(thiefEmail)).toEqual([]);

    // with the password the change is only pending: login and resets stay on the old address
    const changed = await api.call("/auth/v1/me", {
      method: "PATCH",
      token: victim.token,
      json: { email: thiefEmail, currentPassword: PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect((await me()).user).toMatchObject({ email: victim.email, pendingEmail: thiefEmail });

    // the old address is told, with a revert link on the public origin
    const notice = await api.waitForEmail(victim.email, "email_change_notice");
    expect(notice.payload.newEmail).toBe(thiefEmail);
    expect(notice.payload.link).toBe(`${dev.url}/auth/v1/email/revert?token=${notice.payload.token}`);

    // a reset asked for the pending address sends it nothing (the one for the real address arrives)
    expect((await api.call("/auth/v1/password/forgot", { ip: freshIp(), json: { email: thiefEmail } })).status).toBe(202);
    expect((await api.call("/auth/v1/password/forgot", { ip: freshIp(), json: { email: victim.email } })).status).toBe(202);
    await api.waitForEmail(victim.email, "password_reset");
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.outbox(thiefEmail)).map((m) => m.kind)).toEqual(["email_verification"]);

    // following the revert restores the address and ends the thief's session
    const reverted = await api.json<{ user: { email: string; pendingEmail: string | null } }>(
      api.call("/auth/v1/email/revert", { json: { token: notice.payload.token } }),
      200,
    );
    expect(reverted.user).toMatchObject({ email: victim.email, pendingEmail: null });
    await expectProblem(await api.call("/auth/v1/refresh", { json: { refreshToken: victim.refreshToken } }), 401);
    const thiefLink = (await api.outbox(thiefEmail))[0];
    await expectProblem(await api.call("/auth/v1/email/verify", { json: { token: thiefLink?.payload.token } }), 400);
  });
});

describe("item 4: API keys do not outlive the proof of the address", () => {
  const createKey = (token: string) => api.call("/auth/v1/api-keys", { token, json: { name: "laptop" } });

  it("needs a verified email to create a key, and a password reset revokes it", async () => {
    const owner = await api.register("keys");
    await expectProblem(await createKey(owner.token), 403); // before: an unverified address could make keys

    const verification = await api.waitForEmail(owner.email, "email_verification");
    await api.json(api.call("/auth/v1/email/verify", { token: owner.token, json: { token: verification.payload.token } }), 200);
    const { key } = await api.json<{ key: string }>(createKey(owner.token), 201);
    expect((await api.call("/auth/v1/me", { token: key })).status).toBe(200);
    expect((await api.call("/notes/v1/notebooks", { token: key })).status).toBe(200);

    expect((await api.call("/auth/v1/password/forgot", { ip: freshIp(), json: { email: owner.email } })).status).toBe(202);
    const reset = await api.waitForEmail(owner.email, "password_reset");
    const done = await api.call("/auth/v1/password/reset", {
      json: { token: reset.payload.token, newPassword: "another long passphrase" },
    });
    expect(done.status).toBe(204);

    // before the fix the key still read the account after the reset
    await expectProblem(await api.call("/auth/v1/me", { token: key }), 401);
    await expectProblem(await api.call("/notes/v1/notebooks", { token: key }), 401);
    await expectProblem(await api.call("/auth/v1/refresh", { json: { refreshToken: owner.refreshToken } }), 401);
  });

  it("ends the session of whoever registered the address once its owner proves it", async () => {
    const squatter = await api.register("pre-hijack"); // someone registers the victim's address first
    const verification = await api.waitForEmail(squatter.email, "email_verification");
    // the victim follows the link from their inbox, without any session of their own
    await api.json(api.call("/auth/v1/email/verify", { json: { token: verification.payload.token } }), 200);
    await expectProblem(await api.call("/auth/v1/refresh", { json: { refreshToken: squatter.refreshToken } }), 401);
  });
});

describe("items 6 and 7: failed logins lock out the failing network, not the owner", () => {
  const login = (email: string, password: string, ip: string) => api.call("/auth/v1/login", { ip, json: { email, password } });

  it("the reviewer's recipe: 10 failures sent with X-Real-IP (dev only) do not lock out the owner on another", async () => {
    const victim = await api.register("lockout-xri");
    const viaRealIp = (password: string, ip: string) =>
      fetch(`${dev.url}/auth/v1/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Real-IP": ip },
        body: JSON.stringify({ email: victim.email, password }),
      });
    for (let i = 0; i < 10; i++) expect((await viaRealIp(`guess number ${i}`, "203.0.113.70")).status).toBe(401);
    await expectProblem(await viaRealIp("guess number 10", "203.0.113.70"), 429);
    expect((await viaRealIp(PASSWORD, "198.51.100.90")).status).toBe(200);
  });

  it("refuses 203.0.113.7 after 10 failures while the owner logs in from 198.51.100.9", async () => {
    const victim = await api.register("lockout");
    for (let i = 0; i < 10; i++) expect((await login(victim.email, `guess number ${i}`, "203.0.113.7")).status).toBe(401);
    const limited = await login(victim.email, "guess number 10", "203.0.113.7");
    await expectProblem(limited, 429);

    expect((await login(victim.email, PASSWORD, "198.51.100.9")).status).toBe(200); // 429 before the fix

    const attacker = await login(victim.email, PASSWORD, "203.0.113.7");
    await expectProblem(attacker, 429);
    expect(Number(attacker.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("counts every address of one IPv6 /64 as one network", async () => {
    const victim = await api.register("lockout-v6");
    for (let i = 0; i < 10; i++) expect((await login(victim.email, `guess number ${i}`, "2001:db8:1:2::1")).status).toBe(401);
    // before the fix each of the /64's 2^64 addresses had a budget of its own
    const sameNetwork = await login(victim.email, "guess number 10", "2001:db8:1:2::ffff");
    await expectProblem(sameNetwork, 429);
    expect(Number(sameNetwork.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await login(victim.email, PASSWORD, "2001:db8:1:3::1")).status).toBe(200);
  });
});

describe("item 11: registration is rate limited per network", () => {
  it("refuses the 101st registration in an hour from one network with 429 and Retry-After", async () => {
    const ip = "192.0.2.66"; // 100 an hour per network (workers/accounts/src/limits.ts registerPerNetwork)
    for (let i = 0; i < 100; i++) await api.register(`signup-${i}`, ip);
    const refused = await api.call("/auth/v1/register", { ip, json: { email: uniqueEmail("signup-101"), password: PASSWORD, name: "S" } });
    await expectProblem(refused, 429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    await api.register("signup-elsewhere", "192.0.2.67"); // another network is not refused
  });
});

describe("item 8: short links to names of private addresses are refused", () => {
  it.each([
    ["a wildcard-DNS name of loopback", "http://127.0.0.1.nip.io/"],
    ["a wildcard-DNS name of the metadata service", "http://169.254.169.254.nip.io/latest/meta-data"],
    ["a name that resolves to loopback", "http://localtest.me/"],
    ["a mixed-script punycode host (Cyrillic а + pple)", "http://xn--pple-43d.com/"],
  ])("%s: %s is a 422 problem", async (_, url) => {
    const owner = await api.register("links");
    const problem = await expectProblem(await api.call("/links/v1/links", { token: owner.token, json: { url } }), 422);
    expect(problem.errors).toMatchObject([{ path: "url", location: "body" }]);
  });

  it("still shortens a public URL (the control: the rules refuse names, not everything)", async () => {
    const owner = await api.register("links-ok");
    expect((await api.call("/links/v1/links", { token: owner.token, json: { url: "https://example.com/" } })).status).toBe(201);
  });
});

describe("item 12 and conformance: the blog", () => {
  it("caps offset with a RealWorld 422", async () => {
    const res = await api.call("/blog/api/articles?offset=100000000");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ errors: { offset: [expect.any(String)] } });
  });

  it('answers 422 to PUT /api/user with a password of "" and of null', async () => {
    const email = uniqueEmail("blog-pw");
    const user = { username: `pw${crypto.randomUUID().slice(0, 8)}`, email, password: PASSWORD };
    const { user: signedUp } = await api.json<{ user: { token: string } }>(
      api.call("/blog/api/users", { ip: freshIp(), json: { user } }),
      201,
    );
    for (const password of ["", null]) {
      const res = await api.call("/blog/api/user", { method: "PUT", token: signedUp.token, scheme: "Token", json: { user: { password } } });
      expect(res.status, `password ${JSON.stringify(password)}`).toBe(422);
      expect(await res.json()).toEqual({ errors: { password: [expect.any(String)] } });
    }
  });

  it("sends the sign-up verification link on the public origin, not https://accounts.internal", async () => {
    const email = uniqueEmail("blog-signup");
    const user = { username: `su${crypto.randomUUID().slice(0, 8)}`, email, password: PASSWORD };
    await api.json(api.call("/blog/api/users", { ip: freshIp(), json: { user } }), 201);

    const queued = await api.waitForEmail(email, "email_verification");
    expect(queued.payload.link).toBe(`${dev.url}/auth/v1/email/verify?token=${queued.payload.token}`);
    const sent = await api.waitForMail(email, "verify-email");
    expect(sent.text).toContain(queued.payload.link);
    expect(`${sent.text}${sent.html}`).not.toContain("accounts.internal");
  });
});

// If this ever times out locally: wrangler dev restarts workerd whenever a source file changes, and the
// local Queue keeps its messages in memory, so an email drained just before a reload is lost (seen
// with other edits in the working tree; nothing changes under CI).
describe("email that is actually sent", () => {
  it("delivers a sign-up's verification email through the mail service, with text and HTML parts", async () => {
    const owner = await api.register("mail");
    const queued = await api.waitForEmail(owner.email, "email_verification");
    const sent = await api.waitForMail(owner.email, "verify-email"); // the outbox drains asynchronously
    expect(sent).toMatchObject({ to: owner.email, subject: "Verify your email address" });
    expect(sent.text).toContain(queued.payload.link);
    expect(sent.html).toContain(`<a href="${queued.payload.link}"`);
  });
});
