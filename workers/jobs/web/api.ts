// The same-origin HTTP API: the session (tokens from accounts, through @edgeworks/client's typed accounts
// client, as the chat page does) and the jobs API, whose every call carries the current access token and
// refreshes it once when it has expired.
import { type AccountsApi, createAccountsClient, problemText } from "@edgeworks/client";

export type User = AccountsApi.components["schemas"]["User"];
type Session = AccountsApi.components["schemas"]["Session"];

/** An HTTP failure with the problem+json `detail` (or title) as its message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Per tab, like the chat page: two tabs sharing one refresh token would race to rotate it.
const SESSION_KEY = "jobs:session";

let session: Pick<Session, "user" | "accessToken" | "refreshToken"> | null = readSession();
let refreshing: Promise<boolean> | null = null;

function readSession(): typeof session {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as typeof session) : null;
  } catch {
    return null;
  }
}

function saveSession(next: typeof session): void {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** The logged-in user, if any. */
export const currentUser = (): User | null => session?.user ?? null;

async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiFailure(response.status, problemText(error, response));
  return data as T;
}

// "": the page's own origin (the front door)
const accounts = createAccountsClient("");

function startSession(body: Session): User {
  saveSession({ user: body.user, accessToken: body.accessToken, refreshToken: body.refreshToken });
  return body.user;
}

/** Logs in with email and password; throws ApiFailure (401 for a wrong pair, 429 when limited). */
export const logIn = async (email: string, password: string): Promise<User> =>
  startSession(await ok(accounts.POST("/auth/v1/login", { body: { email, password } })));

/** Creates an account and logs in. */
export const register = async (email: string, password: string, name?: string): Promise<User> =>
  startSession(await ok(accounts.POST("/auth/v1/register", { body: name ? { email, password, name } : { email, password } })));

/** Ends the session on the server (best effort) and forgets it here. */
export async function logOut(): Promise<void> {
  const current = session;
  saveSession(null);
  if (!current) return;
  const headers = { Authorization: `Bearer ${current.accessToken}` };
  await accounts.POST("/auth/v1/logout", { body: { refreshToken: current.refreshToken }, headers }).catch(() => undefined);
}

/** Trades the refresh token for a new pair; concurrent callers share one attempt. False: logged out. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session;
    if (!current) return false;
    const res = await accounts.POST("/auth/v1/refresh", { body: { refreshToken: current.refreshToken } }).catch(() => null);
    if (!res) return false;
    if (!res.data) {
      if (res.response.status === 401) saveSession(null);
      return false;
    }
    saveSession({ user: res.data.user ?? current.user, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Called when the session is gone for good (refresh refused): the page goes back to the login form. */
let onLoggedOut: () => void = () => undefined;
export const whenLoggedOut = (handler: () => void): void => {
  onLoggedOut = handler;
};

/**
 * An authenticated JSON call to the jobs API (same origin); a 401 triggers one refresh and one retry.
 *
 * @example const queues = await api<Page<Queue>>("/jobs/v1/queues?limit=100");
 */
export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (!session) {
      onLoggedOut();
      throw new ApiFailure(401, "Not logged in");
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${session.accessToken}` };
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    const res = await fetch(new URL(path, location.href), { method: init.method ?? "GET", headers, body });
    if (res.status === 401 && attempt === 0 && (await refresh())) continue;
    if (res.status === 401 && !session) onLoggedOut();
    if (!res.ok) throw new ApiFailure(res.status, problemText(await res.json().catch(() => undefined), res));
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
