import { expect } from "vitest";

/** The password every account of the end-to-end tests starts with. */
export const PASSWORD = "correct horse battery";

/** What a request sends: JSON or a raw body, a credential, and the client address `pnpm dev` trusts. */
export interface CallInit {
  method?: string;
  /** Serialised as the JSON body, with `Content-Type: application/json`. */
  json?: unknown;
  body?: BodyInit;
  /** Sent as `Authorization: <scheme> <token>`. */
  token?: string;
  /** `Bearer` (default) or RealWorld's `Token`. */
  scheme?: "Bearer" | "Token";
  /**
   * The client address, as `CF-Connecting-IP`: what Cloudflare's edge sets in production. Under
   * `pnpm dev` workerd adds `CF-Connecting-IP: 127.0.0.1` to any request without one, and a client's
   * own header is kept; the dev-only `X-Real-IP` (packages/ratelimit's clientIpOf) works there too.
   */
  ip?: string;
}

/** A registered account: its address, first access and refresh tokens, and id. */
export interface Account {
  email: string;
  token: string;
  refreshToken: string;
  userId: string;
}

/** One row of the accounts dev outbox (`GET /auth/v1/dev/outbox`). */
export interface OutboxMessage {
  kind: "email_verification" | "password_reset" | "email_change_notice";
  to: string;
  body: string;
  payload: Record<string, string>;
}

/** One email captured by the mail Worker in dev mode (`GET /mail/v1/dev/messages`). */
export interface MailMessage {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A unique address per test, so tests sharing one dev server never see each other's accounts. */
export const uniqueEmail = (name: string): string => `${name}-${crypto.randomUUID()}@example.com`;

let nextHost = 0;
/**
 * A client address nobody else in this run uses (198.18.0.0/15, the benchmarking range), so the
 * per-network limits of one test never refuse another's requests.
 */
export const freshIp = (): string => {
  nextHost += 1;
  return `198.18.${Math.floor(nextHost / 250)}.${(nextHost % 250) + 1}`;
};

/** Milliseconds a promise took, with its value. */
export async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: Math.round(performance.now() - start) };
}

/** Polls `read` every 200 ms until `done` holds (at most `timeoutMs`), and returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Asserts an RFC 9457 problem with this status and returns its body. */
export async function expectProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.status).toBe(status);
  return body;
}

/**
 * A client of the dev stack at `base`, speaking plain HTTP like the outside reviewer of issue 10:
 * raw requests, and the dev-only outbox pages to read the emails. Without `ip`, a request comes from
 * 127.0.0.1, one network shared by every test (100 registrations an hour): register with {@link freshIp}.
 *
 * @example const api = outsideClient(dev.url); const victim = await api.register("victim");
 */
export function outsideClient(base: string) {
  const call = (path: string, init: CallInit = {}): Promise<Response> => {
    const headers = new Headers();
    if (init.token) headers.set("Authorization", `${init.scheme ?? "Bearer"} ${init.token}`);
    if (init.json !== undefined) headers.set("Content-Type", "application/json");
    if (init.ip) headers.set("CF-Connecting-IP", init.ip);
    const body = init.json === undefined ? init.body : JSON.stringify(init.json);
    return fetch(`${base}${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  };

  const json = async <T>(res: Response | Promise<Response>, status: number): Promise<T> => {
    const r = await res;
    const text = await r.text();
    expect(r.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  const register = async (name: string, ip = freshIp()): Promise<Account> => {
    const email = uniqueEmail(name);
    const session = await json<{ accessToken: string; refreshToken: string; user: { id: string } }>(
      call("/auth/v1/register", { ip, json: { email, password: PASSWORD, name } }),
      201,
    );
    return { email, token: session.accessToken, refreshToken: session.refreshToken, userId: session.user.id };
  };

  const outbox = async (to: string): Promise<OutboxMessage[]> =>
    (await json<{ items: OutboxMessage[] }>(call(`/auth/v1/dev/outbox?to=${encodeURIComponent(to)}`), 200)).items;

  /** The newest accounts email of `kind` to `to`, waiting for it (some are written after the response). */
  const waitForEmail = async (to: string, kind: OutboxMessage["kind"]): Promise<OutboxMessage> => {
    const items = await eventually(
      () => outbox(to),
      (all) => all.some((m) => m.kind === kind),
    );
    const message = items.find((m) => m.kind === kind);
    if (!message) throw new Error(`no ${kind} email to ${to} in 10 s: ${JSON.stringify(items)}`);
    return message;
  };

  const mail = async (to: string): Promise<MailMessage[]> =>
    (await json<{ items: MailMessage[] }>(call(`/mail/v1/dev/messages?to=${encodeURIComponent(to)}`), 200)).items;

  /** The emails the mail Worker captured for `to`, waiting up to 10 s for one of `kind`. */
  const waitForMail = async (to: string, kind: string): Promise<MailMessage> => {
    const items = await eventually(
      () => mail(to),
      (all) => all.some((m) => m.kind === kind),
    );
    const message = items.find((m) => m.kind === kind);
    if (!message) throw new Error(`the mail Worker captured no ${kind} email to ${to} in 10 s: ${JSON.stringify(items)}`);
    return message;
  };

  return { call, json, register, outbox, waitForEmail, mail, waitForMail };
}
