// The sign-in session of a web page, in the browser: tokens from accounts through @edgeworks/client's typed
// accounts client, kept per tab, sent with every call to the page's API and refreshed once when expired.
// Used by the chat page and the jobs and gateway dashboards (their web/api.ts).
import { type AccountsApi, createAccountsClient, problemText } from "@edgeworks/client";
import { byId, errorText, notify, onSubmit } from "./dom";

export type User = AccountsApi.components["schemas"]["User"];
type Session = AccountsApi.components["schemas"]["Session"];
type Tokens = Pick<Session, "user" | "accessToken" | "refreshToken">;

/** An HTTP failure with the problem+json `detail` (or title) as its message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The data of a typed call, or its problem+json as an ApiFailure. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiFailure(response.status, problemText(error, response));
  return data as T;
}

/** A page's session: log in/out, the current user, and fetch/JSON calls that carry its access token. */
export interface PageSession {
  /** The logged-in user, if any. */
  currentUser(): User | null;
  /** Logs in with email and password; throws ApiFailure (401 for a wrong pair, 429 when limited). */
  logIn(email: string, password: string): Promise<User>;
  /** Creates an account and logs in. */
  register(email: string, password: string, name?: string): Promise<User>;
  /** Ends the session on the server (best effort) and forgets it here. */
  logOut(): Promise<void>;
  /** Called when the session is gone for good (refresh refused): the page goes back to the login form. */
  whenLoggedOut(handler: () => void): void;
  /** fetch with the access token; a 401 triggers one refresh and one retry (of a copy: a body is read once). */
  authenticatedFetch(request: Request): Promise<Response>;
  /**
   * An authenticated JSON call by path (same origin); a failure is an ApiFailure with the problem's text.
   *
   * @example const queues = await api<Page<Queue>>("/jobs/v1/queues?limit=100");
   */
  api<T>(path: string, init?: { method?: string; json?: unknown }): Promise<T>;
}

/**
 * The session of one page, stored in sessionStorage under `key` (`chat:session`). Per tab: two tabs sharing
 * one refresh token would race to rotate it, and accounts revokes the whole family when a rotated token is
 * presented again. A reload keeps the tab's session.
 */
export function createSession(key: string): PageSession {
  // "": the page's own origin (the front door, or the product's own route)
  const accounts = createAccountsClient("");
  let refreshing: Promise<boolean> | null = null;
  let onLoggedOut: () => void = () => undefined;

  const read = (): Tokens | null => {
    try {
      const raw = sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      return null;
    }
  };
  let session: Tokens | null = read();

  const save = (next: Tokens | null): void => {
    session = next;
    if (next) sessionStorage.setItem(key, JSON.stringify(next));
    else sessionStorage.removeItem(key);
  };

  const start = (body: Session): User => {
    save({ user: body.user, accessToken: body.accessToken, refreshToken: body.refreshToken });
    return body.user;
  };

  /** Trades the refresh token for a new pair; concurrent callers share one attempt. False: logged out. */
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const current = session;
      if (!current) return false;
      const res = await accounts.POST("/auth/v1/refresh", { body: { refreshToken: current.refreshToken } }).catch(() => null);
      if (!res) return false;
      if (!res.data) {
        if (res.response.status === 401) save(null);
        return false;
      }
      const body = res.data;
      save({ user: body.user ?? current.user, accessToken: body.accessToken, refreshToken: body.refreshToken });
      return true;
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  const authenticatedFetch = async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      if (!session) {
        onLoggedOut();
        throw new ApiFailure(401, "Not logged in");
      }
      const copy = request.clone();
      copy.headers.set("Authorization", `Bearer ${session.accessToken}`);
      const res = await fetch(copy);
      if (res.status === 401 && attempt === 0 && (await refresh())) continue;
      if (res.status === 401 && !session) onLoggedOut();
      return res;
    }
  };

  return {
    currentUser: () => session?.user ?? null,
    logIn: async (email, password) => start(await ok(accounts.POST("/auth/v1/login", { body: { email, password } }))),
    register: async (email, password, name) =>
      start(await ok(accounts.POST("/auth/v1/register", { body: name ? { email, password, name } : { email, password } }))),
    async logOut() {
      const current = session;
      save(null);
      if (!current) return;
      const headers = { Authorization: `Bearer ${current.accessToken}` };
      await accounts.POST("/auth/v1/logout", { body: { refreshToken: current.refreshToken }, headers }).catch(() => undefined);
    },
    whenLoggedOut(handler) {
      onLoggedOut = handler;
    },
    authenticatedFetch,
    async api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
      const headers: Record<string, string> = init.json === undefined ? {} : { "Content-Type": "application/json" };
      const body = init.json === undefined ? undefined : JSON.stringify(init.json);
      const res = await authenticatedFetch(new Request(new URL(path, location.href), { method: init.method ?? "GET", headers, body }));
      if (!res.ok) throw new ApiFailure(res.status, problemText(await res.json().catch(() => undefined), res));
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
  };
}

/**
 * Wires a dashboard's `#login-form`: logs in (or registers, when the submitting button's value is
 * "register") with its email, password and optional name fields, then resets the form, clears the
 * notice, runs `enter` and moves focus to `focus`; a 401 shows "Wrong email or password", any other
 * failure its message.
 *
 * @example onSignIn({ logIn, register }, { enter, focus: "queues-title" });
 */
export function onSignIn(
  session: Pick<PageSession, "logIn" | "register">,
  options: { enter: () => Promise<void>; focus: string; form?: string },
): void {
  onSubmit(options.form ?? "login-form", async (field, form, action) => {
    try {
      if (action === "register") await session.register(field("email"), field("password"), field("name") || undefined);
      else await session.logIn(field("email"), field("password"));
      form.reset();
      notify(null);
      await options.enter();
      byId(options.focus).focus();
    } catch (err) {
      notify(err instanceof ApiFailure && err.status === 401 ? "Wrong email or password" : errorText(err));
    }
  });
}
