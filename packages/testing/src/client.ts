import { expect } from "vitest";
// ./index re-exports this module: `json` is only read inside functions, after both have loaded.
import { json } from "./index";
import { expectProblem } from "./problem";

/** What sends the requests: `SELF.fetch`, a dev server's fetch, or an app's `request`. */
export type TestFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface TestClientOptions {
  /** Default: `SELF.fetch` from `cloudflare:test`, imported on first use so Node-side tests can load this module. */
  fetch?: TestFetch;
  /** How a token is sent: `Bearer` (tokens and API keys, the default) or RealWorld's `Token`. */
  scheme?: "Bearer" | "Token";
  /** Headers for every request, read per request (a fresh client IP each time); a call's own headers win. */
  headers?: () => Record<string, string>;
}

/** A product's API under one base URL, as its tests call it. */
export interface TestClient {
  /** The base every path is appended to, e.g. `http://todo.test/todo/v1`. */
  readonly base: string;
  /**
   * Sends `method base+path`; `body` is JSON-encoded unless it is a string, `token` (an access token or
   * an API key) goes in `Authorization`. An absolute `path` (`http…`) is sent as is.
   */
  call(method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Sends a request as given (a path under `base`, or an absolute URL), for bodies `call` does not build. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Asserts the status (showing the body when it differs) and returns the JSON body, `null` when empty. */
  ok<T>(res: Response | Promise<Response>, status?: number): Promise<T>;
  /** Asserts a whole problem+json response ({@link expectProblem}) and returns its body. */
  problem(res: Response | Promise<Response>, status: number, code: string, paths?: string[]): ReturnType<typeof expectProblem>;
}

let self: Promise<TestFetch> | undefined;
/** `SELF.fetch`, loaded lazily: `cloudflare:test` exists only inside the workers pool. */
function selfFetch(): Promise<TestFetch> {
  self ??= import("cloudflare:test").then(
    ({ SELF }) =>
      (url: string, init?: RequestInit) =>
        SELF.fetch(url, init),
  );
  return self;
}

/**
 * A small client over `SELF.fetch` for one product's API: JSON bodies, token or API-key auth, extra
 * headers, and readers for JSON and problem bodies. Products keep their domain helpers (createTodo…)
 * in their own `test/helpers.ts` on top of it.
 *
 * @example
 * const api = createTestClient("http://todo.test/todo/v1");
 * const todo = await api.ok<Todo>(api.call("POST", "/todos", token, { title: "x" }), 201);
 * await api.problem(api.call("GET", "/todos/nope", token), 404, "not_found");
 */
export function createTestClient(base: string, options: TestClientOptions = {}): TestClient {
  const send = options.fetch ? () => Promise.resolve(options.fetch as TestFetch) : selfFetch;
  const auth = (token: string) => ({ Authorization: `${options.scheme ?? "Bearer"} ${token}` });
  const urlOf = (path: string) => (/^https?:\/\//.test(path) ? path : `${base}${path}`);
  return {
    base,
    async call(method, path, token, body, headers = {}) {
      const all = { ...options.headers?.(), ...(token ? auth(token) : {}), ...headers };
      return (await send())(urlOf(path), json(method, body, undefined, all));
    },
    async fetch(path, init) {
      return (await send())(urlOf(path), init);
    },
    async ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
      const r = await res;
      const text = await r.text();
      expect(r.status, text).toBe(status);
      return (text ? JSON.parse(text) : null) as T;
    },
    async problem(res, status, code, paths) {
      return expectProblem(await res, status, code, paths);
    },
  };
}
