import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BUILTIN_HANDLERS, PermanentError } from "../../src/handlers/registry";
import { makeContext } from "./context";

const { handler, payload: schema } = BUILTIN_HANDLERS["email.send"]!;

async function outboxRow(id: string) {
  return env.DB.prepare("SELECT id, topic, body, sent_at FROM queue_outbox WHERE id = ?")
    .bind(`mail:${id}`)
    .first<{ id: string; topic: string; body: string; sent_at: number | null }>();
}
const run = (payload: unknown, options: { id?: string; attempt?: number; env?: Env } = {}) => {
  const { ctx, logs } = makeContext({ name: "email.send", ...options });
  return { promise: handler(payload, ctx), logs, job: ctx.job };
};

describe("email.send", () => {
  it("writes the email to the mail outbox and drains it to the mail queue; result {messageId}", async () => {
    const { promise, job, logs } = run({
      to: "ada@example.com",
      subject: "Your report",
      text: "Hello Ada,\n\nit is ready.",
      html: "<p>ready</p>",
    });
    expect(await promise).toEqual({ messageId: `jobs/${job.id}` });
    const row = await outboxRow(`jobs/${job.id}`);
    expect(row).toMatchObject({ id: `mail:jobs/${job.id}`, topic: "mail" });
    expect(row?.sent_at).toEqual(expect.any(Number));
    expect(JSON.parse(row?.body as string)).toEqual({
      id: `jobs/${job.id}`,
      to: "ada@example.com",
      subject: "Your report",
      text: "Hello Ada,\n\nit is ready.",
      html: "<p>ready</p>",
      kind: "jobs-email",
    });
    expect(logs).toEqual([`queued jobs/${job.id} to ada@example.com`]);
  });

  it("without html the text goes into the house layout, escaped", async () => {
    const { promise, job } = run({ to: "bob@example.com", subject: "Hi <b>", text: "one <script>\n\ntwo" });
    await promise;
    const { html } = JSON.parse((await outboxRow(`jobs/${job.id}`))?.body as string);
    expect(html).toContain("one &lt;script&gt;");
    expect(html).toContain("two");
    expect(html).not.toContain("<script>");
    expect(html).toContain("Hi &lt;b&gt;");
  });

  it("a retry of the same job writes no second email (one outbox row per job id)", async () => {
    const id = `j_q_abcdefghijkl_${crypto.randomUUID().slice(0, 8)}`;
    await run({ to: "c@example.com", subject: "s", text: "first" }, { id, attempt: 1 }).promise;
    await run({ to: "c@example.com", subject: "s", text: "second" }, { id, attempt: 2 }).promise;
    const rows = await env.DB.prepare("SELECT body FROM queue_outbox WHERE id = ?").bind(`mail:jobs/${id}`).all<{ body: string }>();
    expect(rows.results.map((r) => JSON.parse(r.body).text)).toEqual(["first"]);
  });

  it("a queue that refuses the drain does not fail the job: the row stays pending for the cron", async () => {
    const refusing = {
      send: async () => Promise.reject(new Error("queue down")),
      sendBatch: async () => Promise.reject(new Error("queue down")),
    };
    const { promise, job, logs } = run(
      { to: "d@example.com", subject: "s", text: "t" },
      { env: { ...env, MAIL_QUEUE: refusing as unknown as Queue } },
    );
    expect(await promise).toEqual({ messageId: `jobs/${job.id}` });
    expect((await outboxRow(`jobs/${job.id}`))?.sent_at).toBeNull();
    expect(logs[1]).toMatch(/^mail drain failed, the cron will send it: /);
  });

  it.each([
    ["a CRLF in the subject (header injection)", { subject: "Hi\r\nBcc: victim@example.com" }],
    ["a LF in the subject", { subject: "a\nb" }],
    ["two addresses", { to: "a@example.com, b@example.com" }],
    ["a display name", { to: "Eve <eve@example.com>" }],
    ["a line break in the address", { to: "a@example.com\r\nBcc: b@example.com" }],
    ["no domain", { to: "nobody" }],
    ["an empty text", { text: "" }],
    ["an empty subject", { subject: "" }],
    ["a 301-character subject", { subject: "s".repeat(301) }],
    ["a too long text", { text: "t".repeat(50_001) }],
    ["a too long html", { html: "h".repeat(100_001) }],
    ["over the mail size", { text: "t".repeat(50_000), html: "h".repeat(60_000) }],
    ["cc", { cc: "x@example.com" }],
    ["from", { from: "ceo@edgeworks.dev" }],
  ])("%s is refused at submit and at run time, nothing written", async (_, extra) => {
    const payload = { to: "ok@example.com", subject: "Hello", text: "Body", ...extra };
    expect(schema.safeParse(payload).success).toBe(false);
    const { promise, job } = run(payload);
    await expect(promise).rejects.toBeInstanceOf(PermanentError);
    expect(await outboxRow(`jobs/${job.id}`)).toBeNull();
  });
});
