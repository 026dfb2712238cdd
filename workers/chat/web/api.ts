// The same-origin HTTP API: the session (tokens from accounts) and authenticated JSON calls that refresh
// the access token once when it has expired.

export interface User {
  id: string;
  email: string;
  name: string | null;
}

interface Session {
  user: User;
  accessToken: string;
  refreshToken: string;
}

/** An HTTP failure with the problem+json `detail` (or title) as its message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Per tab: two tabs sharing one refresh token would race to rotate it, and accounts revokes the whole
// family when a rotated token is presented again. A reload keeps the tab's session.
const SESSION_KEY = "chat:session";

let session: Session | null = readSession();
let refreshing: Promise<boolean> | null = null;

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function saveSession(next: Session | null): void {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** The logged-in user, if any. */
export const currentUser = (): User | null => session?.user ?? null;

async function failure(res: Response): Promise<ApiFailure> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { detail?: string; title?: string };
    message = body.detail || body.title || message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiFailure(res.status, message);
}

const post = (path: string, body: unknown, token?: string) =>
  fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

async function startSession(res: Response): Promise<User> {
  if (!res.ok) throw await failure(res);
  const body = (await res.json()) as Session;
  saveSession({ user: body.user, accessToken: body.accessToken, refreshToken: body.refreshToken });
  return body.user;
}

/** Logs in with email and password; throws ApiFailure (401 for a wrong pair, 429 when limited). */
export const logIn = async (email: string, password: string): Promise<User> =>
  startSession(await post("/auth/v1/login", { email, password }));

/** Creates an account and logs in. */
export const register = async (email: string, password: string, name?: string): Promise<User> =>
  startSession(await post("/auth/v1/register", name ? { email, password, name } : { email, password }));

/** Ends the session on the server (best effort) and forgets it here. */
export async function logOut(): Promise<void> {
  const current = session;
  saveSession(null);
  if (current) await post("/auth/v1/logout", { refreshToken: current.refreshToken }, current.accessToken).catch(() => undefined);
}

/** Trades the refresh token for a new pair; concurrent callers share one attempt. False: logged out. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session;
    if (!current) return false;
    const res = await post("/auth/v1/refresh", { refreshToken: current.refreshToken }).catch(() => null);
    if (!res) return false;
    if (!res.ok) {
      if (res.status === 401) saveSession(null);
      return false;
    }
    const body = (await res.json()) as Session;
    saveSession({ user: body.user ?? current.user, accessToken: body.accessToken, refreshToken: body.refreshToken });
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
 * An authenticated JSON call. A 401 triggers one refresh and one retry; a failure throws ApiFailure.
 *
 * @example const { items } = await api<{ items: Room[] }>("/chat/v1/rooms");
 */
export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (!session) {
      onLoggedOut();
      throw new ApiFailure(401, "Not logged in");
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${session.accessToken}` };
    if (init.json !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    if (res.status === 401 && attempt === 0 && (await refresh())) continue;
    if (res.status === 401 && !session) onLoggedOut();
    if (!res.ok) throw await failure(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}
