// The one way every product client is built: openapi-fetch over a product's generated `paths`, with the
// caller's bearer token added by a middleware.
import createFetchClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";

/** A bearer token, or a function asked before every request (so a refreshed token is picked up). */
export type TokenSource = string | (() => string | null | undefined);

/** openapi-fetch's options without `baseUrl` (the first argument), plus the caller's access token. */
export interface ProductClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Sent as `Authorization: Bearer <token>` unless the call sets its own Authorization header. */
  token?: TokenSource;
}

/**
 * The middleware that adds `Authorization: Bearer …`. A call that passes its own Authorization header
 * (another user's token in a test, an API key) keeps it.
 *
 * @example client.use(bearerAuth(() => session.accessToken));
 */
export function bearerAuth(token: TokenSource): Middleware {
  return {
    onRequest({ request }) {
      const value = typeof token === "function" ? token() : token;
      if (value && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * A typed client for any product's `paths` (from ./generated). `baseUrl` is the origin in front of the
 * product's prefix: the front door (`http://127.0.0.1:8787`), or `""` in a page served by that origin.
 *
 * @example
 * const todo = createProductClient<TodoApi.paths>("http://127.0.0.1:8787", { token });
 * const { data, error, response } = await todo.GET("/todo/v1/todos", { params: { query: { limit: 10 } } });
 */
export function createProductClient<Paths extends {}>(baseUrl: string, options: ProductClientOptions = {}): Client<Paths> {
  const { token, ...rest } = options;
  const client = createFetchClient<Paths>({ ...rest, baseUrl });
  if (token !== undefined) client.use(bearerAuth(token));
  return client;
}
