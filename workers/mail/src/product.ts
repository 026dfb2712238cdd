import { defineProduct, type PublicEnv } from "@edgeworks/product";

/** The Hono environment of the mail Worker's routes (no caller: it has no public API). */
export type MailEnv = PublicEnv<Env>;

/**
 * The mail service: `GET /mail/health`, docs at `/mail/docs`, and in dev mode only
 * `GET /mail/v1/dev/messages`. Products do not call it over HTTP: they write emails to their outbox
 * and drain it to the edgeworks-mail queue (@edgeworks/mail), which this Worker consumes.
 */
export const mail = defineProduct<Env>({
  prefix: "/mail",
  title: "Mail service",
  version: "0.1.0",
  description:
    "The one mail service of Edgeworks. Products write emails to their transactional outbox (`@edgeworks/mail`'s " +
    "`mailOutboxInsert`) and drain it to the `edgeworks-mail` queue; this Worker sends each email once through " +
    "the provider `MAIL_PROVIDER` names (`cloudflare`, `http` or `capture`), retrying with backoff, and records " +
    "dead letters. It has no public API: only health, and in dev mode the captured emails. Errors are " +
    "`application/problem+json` (RFC 9457).",
  guard: false,
});
