import { trimWhere } from "@edgeworks/http";
import { listUnsubscribeHeaders, type MailMessage } from "../message";
import { formatSender, type MailProvider, MailSendError, type MailSender } from "./provider";

/** Where and how the HTTP provider is reached (`MAIL_HTTP_URL`, the `MAIL_HTTP_API_KEY` secret). */
export interface HttpProviderOptions {
  /** The API's base URL: `https://api.resend.com` in production, a fake in tests. */
  baseUrl: string;
  apiKey: string;
  from: MailSender;
  /** The fetch to use (default the global one; tests may pass a fake's). */
  fetch?: typeof fetch;
}

/** A Retry-After header (delay-seconds or an HTTP date) in whole seconds, capped at 12 hours. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value || value.length > 64) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 43_200) : undefined;
}

/** The `id` of a JSON answer, if it has one (an accepted email is sent whatever the body says). */
function providerIdOf(answer: string): string | undefined {
  try {
    const id = (JSON.parse(answer) as { id?: unknown } | null)?.id;
    return typeof id === "string" ? id.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends through Resend's HTTP API (`POST {baseUrl}/emails`, https://resend.com/docs/api-reference/emails/send-email)
 * over fetch. The message id is the `Idempotency-Key`, so a send repeated after a timeout or a crash is
 * one email (Resend keeps keys 24 hours). Answers: 2xx sent; 429 and 5xx (and 408, 409 "request in
 * progress", timeouts, network errors) temporary, with Retry-After when given; other 4xx permanent.
 *
 * @example const provider = httpProvider({ baseUrl: env.MAIL_HTTP_URL, apiKey: env.MAIL_HTTP_API_KEY, from });
 */
export function httpProvider(options: HttpProviderOptions): MailProvider {
  const url = `${trimWhere(options.baseUrl, (ch) => ch === "/", "end")}/emails`;
  const fetcher = options.fetch ?? fetch;
  return {
    name: "http",
    async send(message: MailMessage, signal: AbortSignal) {
      let res: Response;
      try {
        res = await fetcher(url, {
          method: "POST",
          signal,
          headers: {
            Authorization: `Bearer ${options.apiKey}`,
            "Content-Type": "application/json",
            "Idempotency-Key": message.id,
          },
          body: JSON.stringify({
            from: formatSender(options.from),
            to: [message.to],
            subject: message.subject,
            text: message.text,
            html: message.html,
            ...(message.replyTo ? { reply_to: message.replyTo } : {}),
            ...(message.unsubscribeUrl ? { headers: listUnsubscribeHeaders(message) } : {}),
            tags: [{ name: "kind", value: message.kind }],
          }),
        });
      } catch (err) {
        throw new MailSendError(`mail provider unreachable: ${signal.aborted ? "timed out" : String(err)}`, false);
      }
      const answer = await res.text().catch(() => "");
      if (res.ok) return { providerId: providerIdOf(answer) };
      const detail = answer.slice(0, 300);
      const temporary = res.status >= 500 || res.status === 429 || res.status === 408 || res.status === 409;
      throw new MailSendError(
        `mail provider answered ${res.status}: ${detail}`,
        !temporary,
        res.status,
        temporary ? retryAfterSeconds(res.headers.get("Retry-After")) : undefined,
      );
    },
  };
}
