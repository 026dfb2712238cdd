// SMS behind one interface: a fake that writes to D1 (dev and tests) and Twilio's REST API (production),
// chosen by the SMS_PROVIDER var.
import { drizzle } from "drizzle-orm/d1";
import { smsMessages } from "../schema";

/** One text message: `id` names it once (the outbox row), `to` is E.164. */
export interface SmsMessage {
  id: string;
  to: string;
  body: string;
  notificationId: string;
}

/** What sent it: the provider's own id of the message. */
export interface SmsReceipt {
  providerId: string;
}

/** Sends one SMS; throws {@link SmsSendError} when the provider refuses or is unreachable. */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsReceipt>;
}

/** A failed send: `permanent` ones (a bad number, a refused sender) are never retried; the others are. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "SmsSendError";
  }
}

/**
 * The local provider (SMS_PROVIDER "fake"): "delivers" by writing the message into `sms_messages` (listed at
 * `GET /commerce/v1/dev/sms` under DEV_MODE). Sending the same id twice is one row.
 */
export class FakeSmsProvider implements SmsProvider {
  readonly name = "fake";
  constructor(
    private readonly d1: D1Database,
    private readonly now: () => number = Date.now,
  ) {}

  async send(message: SmsMessage): Promise<SmsReceipt> {
    await drizzle(this.d1)
      .insert(smsMessages)
      .values({ id: message.id, to: message.to, body: message.body, notificationId: message.notificationId, createdAt: this.now() })
      .onConflictDoNothing();
    return { providerId: message.id };
  }
}

/** What the Twilio adapter needs: credentials are secrets, the sender and the origin are vars. */
export interface TwilioOptions {
  /** The account (`AC…`): part of the URL. */
  accountSid: string;
  /** Basic auth: the Account SID (or an API key SID `SK…`) and the Auth Token (or the API key's secret). */
  username?: string;
  authToken: string;
  /** An E.164 number of the account, or a Messaging Service SID (`MG…`). */
  from: string;
  /** Default https://api.twilio.com */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Abandon a request after this long (default 10 s): the outbox retries it. */
  timeoutMs?: number;
}

/**
 * The request Twilio's "Create a Message" API takes
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From` or `MessagingServiceSid`,
 * `Body`; HTTP basic auth), built on its own so a test checks it without a network.
 */
export function twilioRequest(options: TwilioOptions, message: SmsMessage): Request {
  let base = options.baseUrl ?? "https://api.twilio.com";
  while (base.endsWith("/")) base = base.slice(0, -1);
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const form = new URLSearchParams({ To: message.to, Body: message.body });
  if (/^MG[0-9a-fA-F]{32}$/.test(options.from)) form.set("MessagingServiceSid", options.from);
  else form.set("From", options.from);
  const credentials = btoa(`${options.username ?? options.accountSid}:${options.authToken}`);
  return new Request(url, {
    method: "POST",
    headers: {
      Authorization: `Basic ${credentials}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    },
    body: form.toString(),
  });
}

/** SMS through Twilio's REST API (SMS_PROVIDER "twilio"). 429 and 5xx are temporary, other 4xx permanent. */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = "twilio";
  constructor(private readonly options: TwilioOptions) {
    if (!options.accountSid || !options.authToken || !options.from)
      throw new Error("twilio: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (secrets) and SMS_FROM (var) are required");
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(twilioRequest(this.options, message), { signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new SmsSendError(`twilio unreachable: ${String(err)}`, false);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the status decides
    }
    if (response.ok && typeof json.sid === "string") return { providerId: json.sid };
    const detail = `twilio ${response.status}${typeof json.code === "number" ? ` code ${json.code}` : ""}: ${String(json.message ?? text).slice(0, 300)}`;
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    const temporary = response.ok || response.status === 429 || response.status >= 500;
    throw new SmsSendError(detail, !temporary, response.status, Number.isFinite(retryAfter) ? retryAfter : null);
  }
}

/** The provider the SMS_PROVIDER var names ("fake" or "twilio"); anything else is a deploy mistake. */
export function smsProviderFromEnv(env: Env): SmsProvider {
  switch (env.SMS_PROVIDER) {
    case "fake":
      return new FakeSmsProvider(env.DB);
    case "twilio":
      return new TwilioSmsProvider({
        accountSid: env.TWILIO_ACCOUNT_SID ?? "",
        ...(env.TWILIO_API_KEY_SID ? { username: env.TWILIO_API_KEY_SID } : {}),
        authToken: env.TWILIO_AUTH_TOKEN ?? "",
        from: env.SMS_FROM,
        baseUrl: env.TWILIO_API_BASE || "https://api.twilio.com",
      });
    default:
      throw new Error(`SMS_PROVIDER must be "fake" or "twilio", not "${env.SMS_PROVIDER}"`);
  }
}
