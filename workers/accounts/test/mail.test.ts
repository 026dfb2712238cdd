import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, outbox, register, waitForMail } from "./helpers";

// Issue 10, "Email that is actually sent": every accounts email is also written to the mail service's
// outbox (packages/mail, drained to the edgeworks-mail queue) in the same batch as the dev outbox row.

type Mail = { id: string; to: string; subject: string; text: string; html: string; kind: string };

async function mailsTo(to: string): Promise<Mail[]> {
  const rows = await env.DB.prepare("SELECT body FROM queue_outbox WHERE topic = 'mail' ORDER BY created_at").all<{ body: string }>();
  return rows.results.map((r) => JSON.parse(r.body) as Mail).filter((m) => m.to === to);
}

describe("emails through the mail service", () => {
  it("the verification email: text and HTML parts, its link on PUBLIC_ORIGIN, with the dev outbox row", async () => {
    const alice = await register();
    const [mail] = await mailsTo(alice.user.email);
    const [row] = await outbox(alice.user.email);
    expect(mail).toMatchObject({ kind: "verify-email", subject: "Verify your email address", id: `accounts/${row?.id}` });
    expect(row?.payload.link).toMatch(/^https:\/\/edgeworks\.example\/auth\/v1\/email\/verify\?token=/);
    expect(mail?.text).toContain(row?.payload.link);
    expect(mail?.html).toContain(row?.payload.link);
    expect(mail?.html).toMatch(/^<!doctype html>/i);
  });

  it("the reset email and the email-change notice with its revert link", async () => {
    const alice = await register();
    expect((await call("POST", "/password/forgot", undefined, { email: alice.user.email })).status).toBe(202);
    const reset = await waitForMail(alice.user.email, "password_reset");
    const newEmail = `new-${crypto.randomUUID()}@example.com`;
    expect((await call("PATCH", "/me", alice.accessToken, { email: newEmail })).status).toBe(200);
    const notice = (await outbox(alice.user.email)).find((m) => m.kind === "email_change_notice");
    const mails = await mailsTo(alice.user.email);
    expect(mails.map((m) => m.kind).sort()).toEqual(["email-changed", "password-reset", "verify-email"]);
    expect(mails.find((m) => m.kind === "password-reset")?.html).toContain(reset.payload.link);
    const changed = mails.find((m) => m.kind === "email-changed");
    expect(changed?.text).toContain(notice?.payload.link);
    expect(changed?.text).toContain(newEmail);
    expect(notice?.payload.link).toMatch(/^https:\/\/edgeworks\.example\/auth\/v1\/email\/revert\?token=/);
    expect((await mailsTo(newEmail)).map((m) => m.kind)).toEqual(["verify-email"]);
  });
});
