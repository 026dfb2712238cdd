import { describe, expect, it } from "vitest";
import { cloudflareProvider, isPermanentBindingError, type MailMessage, MailSendError } from "../src";

const message: MailMessage = {
  id: "verify/1",
  to: "ada@example.com",
  subject: "Hi",
  text: "t",
  html: "<p>h</p>",
  replyTo: "help@example.com",
  kind: "verify-email",
};

describe("the cloudflare provider (send_email binding)", () => {
  it("calls the binding's structured send with both parts, the reply-to and the id header", async () => {
    const calls: unknown[] = [];
    const binding = {
      send: async (m: unknown) => {
        calls.push(m);
        return { messageId: "<abc@cf>" };
      },
    } as unknown as SendEmail;
    const result = await cloudflareProvider(binding, { email: "no-reply@edgeworks.example", name: "Edgeworks" }).send(
      message,
      AbortSignal.timeout(1_000),
    );
    expect(result).toEqual({ providerId: "<abc@cf>" });
    expect(calls).toEqual([
      {
        from: { email: "no-reply@edgeworks.example", name: "Edgeworks" },
        to: "ada@example.com",
        subject: "Hi",
        text: "t",
        html: "<p>h</p>",
        replyTo: "help@example.com",
        headers: { "X-Edgeworks-Mail-Id": "verify/1" },
      },
    ]);
  });

  it.each([
    ["email from no-reply@x.example not allowed", true],
    ["E_SENDER_NOT_VERIFIED: sender domain is not verified", true],
    ["E_HEADER_NOT_ALLOWED", true],
    ["recipient is on the suppression list", true],
    ["E_RATE_LIMIT_EXCEEDED: daily sending limit reached", false],
    ["internal error", false],
    ["Network connection lost.", false],
  ])("classifies %j as permanent: %s", async (error, permanent) => {
    expect(isPermanentBindingError(error)).toBe(permanent);
    const binding = {
      send: async () => {
        throw new Error(error);
      },
    } as unknown as SendEmail;
    const err = await cloudflareProvider(binding, { email: "a@b.example" })
      .send(message, AbortSignal.timeout(1_000))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect((err as MailSendError).permanent).toBe(permanent);
  });
});
