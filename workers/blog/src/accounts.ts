// The blog's client of workers/accounts (over the ACCOUNTS service binding): registration, login and
// email change go through its HTTP API (named with the blog's public origin, for the links in
// accounts' emails); the user directory and password changes through its RPCs.
import { accountsDirectory, type DirectoryUser, type SetPasswordProof, type SetPasswordResult } from "@edgeworks/auth";
import { ApiError, log } from "@edgeworks/http";

/** An accounts user as the directory returns it. */
export type AccountUser = DirectoryUser;

/** A session from register/login: the accounts user and its access token (15 minutes). */
export interface AccountSession {
  user: AccountUser;
  accessToken: string;
}

/** A non-2xx answer from accounts: its status and field errors (`path` → message). */
export class AccountsError extends Error {
  constructor(
    readonly status: number,
    readonly fieldErrors: { path: string; message: string }[],
    readonly retryAfter?: string,
  ) {
    super(`accounts answered ${status}`);
    this.name = "AccountsError";
  }
}

interface PasswordRpc {
  setPassword(userId: string, newPassword: string, keepSessionId?: string, proof?: SetPasswordProof): Promise<SetPasswordResult>;
}

/**
 * The origin the blog's requests to accounts name. The service binding ignores the host, but accounts
 * builds the links in its emails from the request's origin when its own `PUBLIC_ORIGIN` is unset, so
 * the blog names its public origin (`https://accounts.internal` would reach no mail reader).
 */
const DEFAULT_ORIGIN = "https://accounts.internal";

async function call(
  env: Env,
  path: string,
  init: { method: string; body?: unknown; token?: string; clientIp?: string; origin?: string },
): Promise<unknown> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  // accounts rate-limits logins per client IP: pass the caller's, not ours
  if (init.clientIp) headers["CF-Connecting-IP"] = init.clientIp;
  const res = await env.ACCOUNTS.fetch(
    // new URL: a PUBLIC_ORIGIN with a trailing slash or a path still gives accounts' own path
    new Request(new URL(path, init.origin ?? DEFAULT_ORIGIN), {
      method: init.method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  ).catch((err: unknown) => {
    log(env.LOG_LEVEL, "error", "accounts unreachable", { path, error: String(err) });
    throw new AccountsError(503, []);
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const errors = (body as { errors?: unknown } | null)?.errors;
    const fieldErrors = Array.isArray(errors)
      ? errors
          .filter((e): e is { path: string; message: string } => typeof e?.path === "string" && typeof e?.message === "string")
          .map((e) => ({ path: e.path, message: e.message }))
      : [];
    if (res.status >= 500) log(env.LOG_LEVEL, "error", "accounts failed", { path, status: res.status });
    throw new AccountsError(res.status, fieldErrors, res.headers.get("Retry-After") ?? undefined);
  }
  return body;
}

const asSession = (body: unknown): AccountSession => {
  const b = body as { user?: AccountUser; accessToken?: string };
  if (!b?.user?.id || typeof b.accessToken !== "string") throw new AccountsError(502, []);
  const user = { id: b.user.id, email: b.user.email, name: b.user.name ?? null, emailVerified: b.user.emailVerified === true };
  return { user, accessToken: b.accessToken };
};

/**
 * `POST /auth/v1/register`: 409 when the email is taken, 422 for a rule accounts enforces, 429 when
 * rate limited. `origin` is the blog's public origin: the verification link in the email points there.
 */
export async function registerAccount(
  env: Env,
  input: { email: string; password: string; name: string },
  clientIp: string | undefined,
  origin: string,
) {
  return asSession(await call(env, "/auth/v1/register", { method: "POST", body: input, clientIp, origin }));
}

/** `POST /auth/v1/login`: 401 for a wrong email or password, 429 when rate limited. */
export async function loginAccount(env: Env, input: { email: string; password: string }, clientIp?: string) {
  return asSession(await call(env, "/auth/v1/login", { method: "POST", body: input, clientIp }));
}

/**
 * `PATCH /auth/v1/me` with the caller's own access token (accounts checks its `auth_time`): 409 when
 * the email is taken, 403 for an API key or a login older than 5 minutes. The new address stays
 * pending in accounts until verified, so the user returned still has the old `email`. `origin` is the
 * blog's public origin, for the links in the verification email and the notice to the old address.
 */
export async function changeAccountEmail(env: Env, token: string, email: string, origin: string): Promise<AccountUser> {
  const body = (await call(env, "/auth/v1/me", { method: "PATCH", body: { email }, token, origin })) as { user?: AccountUser };
  if (!body?.user?.id) throw new AccountsError(502, []);
  return body.user;
}

/**
 * The accounts users with these ids (unknown ids are left out), through packages/auth's directory client
 * (batched); its 503 becomes AccountsError(503), which the RealWorld API answers in its own error shape.
 */
export async function getAccountUsers(env: Env, ids: string[]): Promise<AccountUser[]> {
  return accountsDirectory(env)
    .getUsers(ids)
    .catch((err: unknown) => {
      throw err instanceof ApiError && err.status === 503 ? new AccountsError(503, [], err.headers?.["Retry-After"]) : err;
    });
}

/**
 * Sets the password over RPC (accounts' `setPassword`): the proof is the kept session `keepSessionId`
 * (accounts accepts it when its login was within 5 minutes) and the token's `auth_time`. The session
 * `keepSessionId` stays, every other one and every API key end. Throws AccountsError(503) when
 * accounts is unreachable.
 */
export async function setAccountPassword(
  env: Env,
  userId: string,
  password: string,
  keepSessionId: string | undefined,
  proof: SetPasswordProof,
): Promise<SetPasswordResult> {
  const result = await (env.ACCOUNTS as unknown as PasswordRpc)
    .setPassword(userId, password, keepSessionId, proof)
    .catch((err: unknown) => {
      // never the password: only what failed
      log(env.LOG_LEVEL, "error", "accounts setPassword failed", { error: err instanceof Error ? err.name : "unknown" });
      throw new AccountsError(503, []);
    });
  if (typeof result?.ok !== "boolean") throw new AccountsError(502, []);
  return result;
}
