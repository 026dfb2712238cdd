import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { drainSms, smsOutboxStatement } from "../src/sms/outbox";
import {
  FakeSmsProvider,
  type SmsMessage,
  type SmsProvider,
  SmsSendError,
  smsProviderFromEnv,
  TwilioSmsProvider,
  twilioRequest,
} from "../src/sms/provider";
import { rows } from "./helpers";

const options = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "secret-token",
  from: "+15005550006",
  baseUrl: "https://twilio.test/",
};
const message: SmsMessage = {
  id: "sms-1",
  to: "+14155550100",
  body: "Edgeworks: order ord_1 is confirmed & paid.",
  notificationId: "ntf_1",
};

describe("the Twilio adapter", () => {
  it("builds Twilio's documented Create Message request: form fields, basic auth, the account's Messages.json", async () => {
    const req = twilioRequest(options, message);
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://twilio.test/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
    expect(req.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(req.headers.get("Authorization")).toBe(`Basic ${btoa("AC0123456789abcdef0123456789abcdef:secret-token")}`);
    const form = new URLSearchParams(await req.text());
    expect(Object.fromEntries(form)).toEqual({
      To: "+14155550100",
      Body: "Edgeworks: order ord_1 is confirmed & paid.",
      From: "+15005550006",
    });

    const viaService = twilioRequest({ ...options, from: "MG0123456789abcdef0123456789abcdef", username: "SKkey" }, message);
    const serviceForm = new URLSearchParams(await viaService.text());
    expect(serviceForm.get("MessagingServiceSid")).toBe("MG0123456789abcdef0123456789abcdef");
    expect(serviceForm.get("From")).toBeNull();
    expect(viaService.headers.get("Authorization")).toBe(`Basic ${btoa("SKkey:secret-token")}`);
  });

  it("reads the message sid; 4xx is permanent, 429 and 5xx temporary (with Retry-After), a network error temporary", async () => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      new TwilioSmsProvider({
        ...options,
        fetch: vi.fn(async () => new Response(JSON.stringify(body), { status, headers })) as unknown as typeof fetch,
      });
    await expect(answer(201, { sid: "SM123", status: "queued" }).send(message)).resolves.toEqual({ providerId: "SM123" });
    const refused = await answer(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 })
      .send(message)
      .catch((e) => e);
    expect(refused).toBeInstanceOf(SmsSendError);
    expect(refused).toMatchObject({
      permanent: true,
      status: 400,
      message: "twilio 400 code 21211: The 'To' number is not a valid phone number.",
    });
    const limited = await answer(429, { code: 20429, message: "Too Many Requests" }, { "Retry-After": "7" })
      .send(message)
      .catch((e) => e);
    expect(limited).toMatchObject({ permanent: false, status: 429, retryAfterSeconds: 7 });
    expect(
      await answer(503, "down")
        .send(message)
        .catch((e) => e),
    ).toMatchObject({ permanent: false, status: 503 });
    const offline = new TwilioSmsProvider({
      ...options,
      fetch: (async () => Promise.reject(new TypeError("network"))) as unknown as typeof fetch,
    });
    expect(await offline.send(message).catch((e) => e)).toMatchObject({ permanent: false, status: null });
  });

  it("is chosen by SMS_PROVIDER and needs its secrets", () => {
    expect(smsProviderFromEnv({ ...env, SMS_PROVIDER: "fake" }).name).toBe("fake");
    expect(() => smsProviderFromEnv({ ...env, SMS_PROVIDER: "twilio" })).toThrow("TWILIO_ACCOUNT_SID");
    const twilio = smsProviderFromEnv({
      ...env,
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: "AC1",
      TWILIO_AUTH_TOKEN: "t",
      SMS_FROM: "+15005550006",
    });
    expect(twilio.name).toBe("twilio");
    expect(() => smsProviderFromEnv({ ...env, SMS_PROVIDER: "carrier-pigeon" })).toThrow('SMS_PROVIDER must be "fake" or "twilio"');
  });
});

describe("the SMS outbox", () => {
  const queue = async (id: string) => env.DB.batch([smsOutboxStatement(env.DB, { ...message, id, notificationId: `ntf_${id}` })]);

  it("sends each pending SMS once; the fake provider writes sms_messages; writing the same SMS twice is one row", async () => {
    const id = `sms-${crypto.randomUUID()}`;
    await queue(id);
    await queue(id);
    expect(await rows("SELECT * FROM queue_outbox WHERE id = ?", `sms:${id}`)).toHaveLength(1);
    await drainSms(env, new FakeSmsProvider(env.DB));
    await drainSms(env, new FakeSmsProvider(env.DB));
    expect(await rows('SELECT id, "to", body FROM sms_messages WHERE id = ?', id)).toEqual([{ id, to: message.to, body: message.body }]);
  });

  it("a temporary failure leaves the SMS for the next drain; a permanent one is dropped and does not block the rest", async () => {
    const down: SmsProvider = { name: "down", send: async () => Promise.reject(new SmsSendError("503", false, 503)) };
    const temp = `sms-${crypto.randomUUID()}`;
    await queue(temp);
    await expect(drainSms(env, down)).rejects.toThrow("503");
    expect((await rows("SELECT sent_at FROM queue_outbox WHERE id = ?", `sms:${temp}`))[0]?.sent_at).toBeNull();
    await drainSms(env, new FakeSmsProvider(env.DB));
    expect(await rows("SELECT id FROM sms_messages WHERE id = ?", temp)).toHaveLength(1);

    const bad = `sms-${crypto.randomUUID()}`;
    const good = `sms-${crypto.randomUUID()}`;
    await queue(bad);
    await queue(good);
    const fake = new FakeSmsProvider(env.DB);
    const picky: SmsProvider = {
      name: "picky",
      send: async (m) => (m.id === bad ? Promise.reject(new SmsSendError("invalid number", true, 400)) : fake.send(m)),
    };
    await drainSms(env, picky);
    expect(await rows("SELECT id FROM sms_messages WHERE id IN (?, ?)", bad, good)).toEqual([{ id: good }]);
    expect((await rows("SELECT sent_at FROM queue_outbox WHERE id = ?", `sms:${bad}`))[0]?.sent_at).toEqual(expect.any(Number));
  });
});
