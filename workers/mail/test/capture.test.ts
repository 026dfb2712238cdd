import { env, SELF } from "cloudflare:test";
import { createTestClient } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { deliver, deliveryOf, newEmail } from "./helpers";

const api = createTestClient("http://mail.test/mail/v1");

describe("capture (DEV_MODE: pnpm dev and these tests)", () => {
  it("keeps the text and HTML parts instead of sending, listed at /mail/v1/dev/messages", async () => {
    const to = `dev-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const email = newEmail({
      to,
      subject: "Welcome <friend>",
      text: "Plain words.",
      html: "<p>Rich <b>words</b>.</p>",
      replyTo: "help@example.com",
    });
    expect(await deliver(worker.queue, [email])).toMatchObject({ acked: [0], retried: [] });
    expect(await deliveryOf(email.id)).toMatchObject({ status: "sent", provider: "capture", provider_id: `capture:${email.id}` });
    const { items } = await api.ok<{ items: unknown[] }>(api.call("GET", `/dev/messages?to=${encodeURIComponent(to)}`));
    expect(items).toEqual([
      {
        id: email.id,
        kind: "test-mail",
        from: "Edgeworks <no-reply@edgeworks.test>",
        to,
        replyTo: "help@example.com",
        subject: "Welcome <friend>",
        text: "Plain words.",
        html: "<p>Rich <b>words</b>.</p>",
        capturedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });

  it("validates the listing's query (422) and hides the route outside dev mode (404)", async () => {
    await api.problem(api.call("GET", "/dev/messages?limit=0"), 422, "validation_failed", ["limit"]);
    await api.problem(api.call("GET", "/dev/messages?to=not-an-address"), 422, "validation_failed", ["to"]);
    const res = await worker.fetch(new Request("http://mail.test/mail/v1/dev/messages"), { ...env, DEV_MODE: "false" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, code: "not_found" });
    expect((await SELF.fetch("http://mail.test/mail/health")).status).toBe(200);
  });
});
