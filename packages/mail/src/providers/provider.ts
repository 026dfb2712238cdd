import type { MailMessage } from "../message";

/** The sender every email goes out as (`MAIL_FROM`, `MAIL_FROM_NAME`). */
export interface MailSender {
  email: string;
  name?: string;
}

/** What a provider returns for an accepted email. */
export interface SendResult {
  /** The provider's id of the email, when it gives one (logged and kept in the delivery log). */
  providerId?: string;
}

/** A provider adapter: sends one email, or throws `MailSendError` (anything else counts as temporary). */
export interface MailProvider {
  /** `cloudflare`, `http` or `capture`: logs and the delivery log. */
  readonly name: string;
  send(message: MailMessage, signal: AbortSignal): Promise<SendResult>;
}

/**
 * A failed send. `permanent` failures (the provider refused this email: a bad address, a sender that
 * is not allowed) can never succeed, so they are recorded and dead-lettered, not retried; temporary
 * ones (5xx, 429, a timeout, a network error) are retried with backoff, after `retryAfterSeconds` if
 * the provider said so.
 */
export class MailSendError extends Error {
  override readonly name = "MailSendError";
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Whether an error from a provider is worth retrying. */
export const isPermanent = (err: unknown): boolean => err instanceof MailSendError && err.permanent;

/** `Name <email>` with the name quoted when it needs it (RFC 5322 quoted-string), or the bare address. */
export function formatSender(sender: MailSender): string {
  const name = sender.name?.replace(/[\r\n]/g, " ").trim();
  if (!name) return sender.email;
  return /^[\w .!#$%&'*+/=?^`{|}~-]+$/.test(name) ? `${name} <${sender.email}>` : `"${name.replace(/["\\]/g, "\\$&")}" <${sender.email}>`;
}
