import { SELF } from "cloudflare:test";
import uiCssSource from "@edgeworks/ui/ui.css?raw";
import { describe, expect, it } from "vitest";
import { BASE, call, freshIp, login, outbox, register, type SessionBody, snapshot, verifyAddress, waitForMail } from "./helpers";

// The links in the emails (verify, revert, reset) are opened in a browser: a GET shows a page with a
// form (and never acts: mail scanners prefetch links), the form posts urlencoded to the same path.

const NEW_PASSWORD = "a brand new passphrase";
const FORM = "application/x-www-form-urlencoded";

const page = (path: string, token: string) => SELF.fetch(`${BASE}${path}?token=${encodeURIComponent(token)}`);
const formPost = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "Content-Type": FORM, "CF-Connecting-IP": freshIp(), ...headers },
  });

const verificationToken = async (email: string) =>
  (await outbox(email)).find((m) => m.kind === "email_verification")?.payload.token as string;
const resetToken = async (email: string) => (await waitForMail(email, "password_reset")).payload.token as string;

/** An account whose email was changed by someone else, and the revert token from the notice to the old address. */
async function changedAccount() {
  const alice = await register();
  await verifyAddress(alice);
  const email = `new-${crypto.randomUUID()}@example.com`;
  expect((await call("PATCH", "/me", alice.accessToken, { email, currentPassword: alice.password })).status).toBe(200);
  const notice = (await outbox(alice.user.email)).find((m) => m.kind === "email_change_notice");
  return { alice, email, token: notice?.payload.token as string };
}

/** The headers every link page carries. */
function expectPageHeaders(res: Response) {
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("script-src");
  expect(res.headers.get("Cache-Control")).toContain("no-store");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
}

/** The hidden token field of the page's form, which posts back to `path`. */
function expectForm(html: string, path: string, token: string) {
  expect(html).toContain(`<form method="post" action="/auth/v1${path}"`);
  expect(html).toContain(`<input type="hidden" name="token" value="${token}" />`);
  expect(html).toContain('<link rel="stylesheet" href="/auth/v1/ui.css" />');
  expect(html).not.toMatch(/<script|style=/);
}

describe("GET pages of the email links", () => {
  it("verify: 200 HTML with a form; the GET changes nothing and the token still works afterwards", async () => {
    const alice = await register();
    const token = await verificationToken(alice.user.email);
    const before = await snapshot();
    const res = await page("/email/verify", token);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expectForm(html, "/email/verify", token);
    expect(html).toContain("Verify this address");
    expect(await snapshot()).toEqual(before);
    expect((await call("POST", "/email/verify", undefined, { token })).status).toBe(200);
  });

  it("revert: 200 HTML with a form; nothing is reverted by the GET", async () => {
    const { email, token } = await changedAccount();
    const before = await snapshot();
    const res = await page("/email/revert", token);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expectForm(html, "/email/revert", token);
    expect(html).toContain("This was not me: undo it");
    // the page does not say which addresses are involved (a GET reveals nothing about the token)
    expect(html).not.toContain(email);
    expect(await snapshot()).toEqual(before);
    expect((await call("POST", "/email/revert", undefined, { token })).status).toBe(200);
  });

  it("reset: 200 HTML with the new-password fields; the token still works afterwards", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    const token = await resetToken(alice.user.email);
    const before = await snapshot();
    const res = await page("/password/reset", token);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expectForm(html, "/password/reset", token);
    expect(html).toMatch(
      /<input[^>]* type="password" name="newPassword"[^>]* autocomplete="new-password" minlength="8" maxlength="256" required/,
    );
    expect(html).toMatch(/<input[^>]* name="newPasswordConfirm"[^>]* autocomplete="new-password"/);
    expect(await snapshot()).toEqual(before);
    expect((await call("POST", "/password/reset", undefined, { token, newPassword: NEW_PASSWORD })).status).toBe(204);
  });

  it("an unknown but well-formed token still gets the page (a GET does not tell whether a token exists)", async () => {
    const res = await page("/email/verify", "Z".repeat(43));
    expect(res.status).toBe(200);
    expectForm(await res.text(), "/email/verify", "Z".repeat(43));
  });

  it.each(["/email/verify", "/email/revert", "/password/reset"])(
    "%s: a 10k-character, odd-unicode, markup or missing token is a 400 'invalid link' page that echoes nothing",
    async (path) => {
      for (const url of [
        `${BASE}${path}?token=${"a".repeat(10_000)}`,
        `${BASE}${path}?token=${encodeURIComponent("abc\u202e\u0000😀")}`,
        `${BASE}${path}?token=${encodeURIComponent('"><script>alert(1)</script>')}`,
        `${BASE}${path}?token=%ED%A0%80`,
        `${BASE}${path}?token=`,
        `${BASE}${path}`,
        `${BASE}${path}?token=a&token=b`,
      ]) {
        const res = await SELF.fetch(url);
        expect(res.status, url).toBe(400);
        expectPageHeaders(res);
        const html = await res.text();
        expect(html, url).toContain("This link is invalid or has expired");
        expect(html, url).not.toContain("<form");
        expect(html, url).not.toContain("<script>");
        expect(html, url).not.toContain("aaaaaaaaaa");
      }
    },
  );

  it("the stylesheet is served from the same origin", async () => {
    const res = await SELF.fetch(`${BASE}/ui.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    // the copy in src/pages/ui-css.ts is current (else: node workers/accounts/scripts/ui-css.mjs)
    expect(await res.text()).toBe(uiCssSource);
  });
});

describe("form posts of the email links", () => {
  it("verify: the form post confirms the address and answers an HTML page", async () => {
    const alice = await register();
    const res = await formPost("/email/verify", { token: await verificationToken(alice.user.email) });
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(await res.text()).toContain("Your email address is verified");
    const me = await login(alice.user.email, alice.password);
    expect(me.user.emailVerified).toBe(true);
  });

  it("revert: the form post puts the old address back and says a reset link went to it", async () => {
    const { alice, token } = await changedAccount();
    const res = await formPost("/email/revert", { token });
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain("The email change is undone");
    expect(html).toContain("password-reset link");
    expect(html).toContain(alice.user.email);
    const mail = await waitForMail(alice.user.email, "password_reset");
    expect(mail.to).toBe(alice.user.email);
    // the old address is the account's again (its password ended: log in after a reset)
    const reset = await call("POST", "/password/reset", undefined, { token: mail.payload.token, newPassword: NEW_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await login(alice.user.email, NEW_PASSWORD)).user.email).toBe(alice.user.email);
  });

  it("reset: the form post sets the new password, which logs in; the old one no longer does", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    const token = await resetToken(alice.user.email);
    const res = await formPost("/password/reset", { token, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(await res.text()).toContain("Your password is changed");
    expect((await login(alice.user.email, NEW_PASSWORD)).user.id).toBe(alice.user.id);
    expect((await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password })).status).toBe(401);
  });

  it("reset: a short or mismatched password re-renders the form with the message (422 HTML), and the token still works", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    const token = await resetToken(alice.user.email);
    const short = await formPost("/password/reset", { token, newPassword: "short", newPasswordConfirm: "short" });
    expect(short.status).toBe(422);
    expectPageHeaders(short);
    const html = await short.text();
    expect(html).toContain("at least 8");
    expectForm(html, "/password/reset", token);
    const mismatch = await formPost("/password/reset", { token, newPassword: NEW_PASSWORD, newPasswordConfirm: `${NEW_PASSWORD}!` });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain("The two passwords differ");
    expect((await formPost("/password/reset", { token, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD })).status).toBe(200);
  });

  it.each([
    ["/email/verify", {}],
    ["/email/revert", {}],
    ["/password/reset", { newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD }],
  ])("%s: an unknown, used, malformed, huge or missing token is a 4xx HTML page and changes nothing", async (path, extra) => {
    const before = await snapshot();
    for (const token of ["Z".repeat(43), "a".repeat(10_000), "abc\ud800", '"><script>', ""]) {
      const res = await formPost(path, { token, ...extra });
      expect(res.status, token.slice(0, 20)).toBeGreaterThanOrEqual(400);
      expect(res.status, token.slice(0, 20)).toBeLessThan(500);
      expectPageHeaders(res);
      const html = await res.text();
      expect(html).not.toContain("<script>");
      expect(html).not.toContain("aaaaaaaaaa");
    }
    const missing = await formPost(path, extra);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("This link is invalid or has expired");
    const twice = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      body: "token=a&token=b",
      headers: { "Content-Type": FORM, "CF-Connecting-IP": freshIp() },
    });
    expect(twice.status).toBe(400);
    const garbage = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      body: "%%%=%E0%A4%A&token=%ZZ",
      headers: { "Content-Type": FORM, "CF-Connecting-IP": freshIp() },
    });
    expect(garbage.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it("reset: a NUL, a 10k-character or a missing password is 422 HTML, never 500", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    const token = await resetToken(alice.user.email);
    const bodies: Record<string, string>[] = [{ newPassword: "long enough\u0000" }, { newPassword: "p".repeat(10_000) }, {}];
    for (const fields of bodies) {
      const res = await formPost("/password/reset", { token, ...fields });
      expect(res.status).toBe(422);
      expectPageHeaders(res);
      const html = await res.text();
      expect(html).toContain('role="alert"');
      expect(html).not.toContain("pppppppppp");
    }
    expect((await formPost("/password/reset", { token, newPassword: NEW_PASSWORD })).status).toBe(200);
  });

  it("verify: a pending address that another account took meanwhile is 409 HTML", async () => {
    const alice = await register();
    const email = `taken-${crypto.randomUUID()}@example.com`;
    expect((await call("PATCH", "/me", alice.accessToken, { email, currentPassword: alice.password })).status).toBe(200);
    const aliceToken = await verificationToken(email);
    await register({ email });
    const res = await formPost("/email/verify", { token: aliceToken });
    expect(res.status).toBe(409);
    expectPageHeaders(res);
    expect(await res.text()).toContain("This cannot be done");
  });

  it("multipart is 415 HTML; text/plain is still the JSON route's 415 problem", async () => {
    const form = new FormData();
    form.set("token", "Z".repeat(43));
    const multipart = await SELF.fetch(`${BASE}/email/verify`, { method: "POST", body: form, headers: { "CF-Connecting-IP": freshIp() } });
    expect(multipart.status).toBe(415);
    expectPageHeaders(multipart);
    const text = await SELF.fetch(`${BASE}/email/verify`, {
      method: "POST",
      body: "token=x",
      headers: { "Content-Type": "text/plain", "CF-Connecting-IP": freshIp() },
    });
    expect(text.status).toBe(415);
    expect(text.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("a used token is 400 HTML saying the link is invalid", async () => {
    const alice = await register();
    const token = await verificationToken(alice.user.email);
    expect((await formPost("/email/verify", { token })).status).toBe(200);
    const again = await formPost("/email/verify", { token });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("invalid, expired or already used");
  });

  it("a form body over the limit is 413, never 500", async () => {
    const res = await formPost("/email/verify", { token: "a".repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it("JSON posts keep their problem+json answers", async () => {
    const res = await call("POST", "/email/verify", undefined, { token: "Z".repeat(43) });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    const me = await register();
    const body = (await (await call("POST", "/email/verify", undefined, { token: await verificationToken(me.user.email) })).json()) as {
      user: SessionBody["user"];
    };
    expect(body.user.emailVerified).toBe(true);
  });
});

describe("the email texts", () => {
  it("say to open the link, not to POST the token", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    await waitForMail(alice.user.email, "password_reset");
    const { alice: bob } = await changedAccount();
    for (const mail of [...(await outbox(alice.user.email)), ...(await outbox(bob.user.email))]) {
      expect(mail.body).not.toContain("POST");
      expect(mail.body).toContain(mail.payload.link as string);
      expect(mail.payload.link).toMatch(/^https:\/\/edgeworks\.example\/auth\/v1\/(email\/verify|email\/revert|password\/reset)\?token=/);
    }
  });

  it("the OpenAPI document lists both body types and the GET pages", async () => {
    const spec = (await (await SELF.fetch("http://accounts.test/auth/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> }
        >
      >;
    };
    for (const path of ["/auth/v1/email/verify", "/auth/v1/email/revert", "/auth/v1/password/reset"]) {
      expect(Object.keys(spec.paths[path]?.post?.requestBody?.content ?? {}).sort(), path).toEqual(["application/json", FORM]);
      expect(Object.keys(spec.paths[path]?.get?.responses[200]?.content ?? {}), path).toEqual(["text/html"]);
    }
  });
});
