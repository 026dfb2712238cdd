import { describe, expect, it } from "vitest";
import { httpProvider, type MailMessage, MailSendError, mailProviderFromEnv, retryAfterSeconds } from "../src";
import { fakeMailProvider } from "../src/testing/fake-provider";

const message: MailMessage = {
  id: "password-reset/r1",
  to: "ada@example.com",
  subject: "Reset your password",
  text: "Reset: https://edgeworks.example/r",
  html: "<p>Reset</p>",
  replyTo: "help@example.com",
  kind: "password-reset",
};
const from = { email: "no-reply@edgeworks.example", name: "Edgeworks" };
const setup = () => {
  const fake = fakeMailProvider();
  return { fake, provider: httpProvider({ baseUrl: "https://mail.fake/", apiKey: "re_test", from, fetch: fake.fetch }) };
};
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailSendError);
  return err as MailSendError;
};

describe("the HTTP provider (Resend's API) against the fake", () => {
  it("posts the email with the API key and the message id as Idempotency-Key", async () => {
    const { fake, provider } = setup();
    const result = await provider.send(message, AbortSignal.timeout(1_000));
    expect(result.providerId).toEqual(expect.any(String));
    expect(fake.sent).toEqual([
      {
        idempotencyKey: "password-reset/r1",
        authorization: "Bearer re_test",
        body: {
          from: "Edgeworks <no-reply@edgeworks.example>",
          to: ["ada@example.com"],
          subject: "Reset your password",
          text: message.text,
          html: message.html,
          reply_to: "help@example.com",
          tags: [{ name: "kind", value: "password-reset" }],
        },
      },
    ]);
  });

  it("sends RFC 8058 one-click unsubscribe headers when the email has an unsubscribe link", async () => {
    const { fake, provider } = setup();
    await provider.send({ ...message, id: "chat/1", unsubscribeUrl: "https://edgeworks.example/u?token=t" }, AbortSignal.timeout(1_000));
    expect((fake.sent[0]?.body as { headers?: unknown } | undefined)?.headers).toEqual({
      "List-Unsubscribe": "<https://edgeworks.example/u?token=t>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });

  it("a send repeated with the same id is one email at the provider", async () => {
    const { fake, provider } = setup();
    const first = await provider.send(message, AbortSignal.timeout(1_000));
    const again = await provider.send(message, AbortSignal.timeout(1_000));
    expect(again.providerId).toBe(first.providerId);
    expect(fake.sent).toHaveLength(1);
  });

  it("5xx and 429 are temporary (429 with its Retry-After); other 4xx are permanent", async () => {
    const { fake, provider } = setup();
    fake.script({ status: 500 }, { status: 503, retryAfter: "3" }, { status: 429, retryAfter: "7" }, { status: 422 }, { status: 403 });
    expect(await failure(provider.send(message, AbortSignal.timeout(1_000)))).toMatchObject({ permanent: false, status: 500 });
    expect(await failure(provider.send(message, AbortSignal.timeout(1_000)))).toMatchObject({
      permanent: false,
      status: 503,
      retryAfterSeconds: 3,
    });
    expect(await failure(provider.send(message, AbortSignal.timeout(1_000)))).toMatchObject({
      permanent: false,
      status: 429,
      retryAfterSeconds: 7,
    });
    expect(await failure(provider.send(message, AbortSignal.timeout(1_000)))).toMatchObject({ permanent: true, status: 422 });
    expect(await failure(provider.send(message, AbortSignal.timeout(1_000)))).toMatchObject({ permanent: true, status: 403 });
    expect(fake.sent).toEqual([]);
  });

  it("a slow provider is abandoned at the timeout, as a temporary failure", async () => {
    const { fake, provider } = setup();
    fake.script({ delayMs: 5_000 });
    const started = Date.now();
    expect(await failure(provider.send(message, AbortSignal.timeout(150)))).toMatchObject({ permanent: false });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.sent).toEqual([]);
  });

  it("reads Retry-After as seconds or an HTTP date, capped at 12 hours", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterSeconds("120", now)).toBe(120);
    expect(retryAfterSeconds("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60);
    expect(retryAfterSeconds("999999999", now)).toBe(43_200);
    expect(retryAfterSeconds("soon", now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});

describe("mailProviderFromEnv", () => {
  const DB = {} as D1Database;

  it("picks the provider MAIL_PROVIDER names", () => {
    expect(mailProviderFromEnv({ DB, MAIL_PROVIDER: "capture" }).name).toBe("capture");
    expect(
      mailProviderFromEnv({ DB, MAIL_PROVIDER: "http", MAIL_FROM: "a@b.c", MAIL_HTTP_URL: "https://x", MAIL_HTTP_API_KEY: "k" }).name,
    ).toBe("http");
    const binding = { send: async () => ({ messageId: "m" }) } as unknown as SendEmail;
    expect(mailProviderFromEnv({ DB, MAIL_PROVIDER: "cloudflare", MAIL_FROM: "a@b.c", EMAIL: binding }).name).toBe("cloudflare");
  });

  it.each([
    [{ MAIL_PROVIDER: "smtp" }, 'MAIL_PROVIDER must be one of cloudflare, http, capture, not "smtp"'],
    [{}, 'MAIL_PROVIDER must be one of cloudflare, http, capture, not ""'],
    [{ MAIL_PROVIDER: "http", MAIL_HTTP_URL: "https://x", MAIL_HTTP_API_KEY: "k" }, "MAIL_PROVIDER=http needs MAIL_FROM"],
    [{ MAIL_PROVIDER: "http", MAIL_FROM: "a@b.c", MAIL_HTTP_URL: "https://x" }, "MAIL_PROVIDER=http needs the MAIL_HTTP_API_KEY secret"],
    [{ MAIL_PROVIDER: "cloudflare", MAIL_FROM: "a@b.c" }, "MAIL_PROVIDER=cloudflare needs a [[send_email]] binding named EMAIL"],
  ])("refuses a configuration that cannot send: %j", (config, error) => {
    expect(() => mailProviderFromEnv({ DB, ...config })).toThrow(error);
  });
});
