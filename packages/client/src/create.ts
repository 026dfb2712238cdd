// The one way every product client is built: openapi-fetch over a product's generated `paths`, with the
// caller's bearer token added by a middleware.
import createFetchClient, { type Client, type ClientForPath, type ClientOptions, type Middleware } from "openapi-fetch";

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

/** The HTTP methods openapi-fetch calls by name. */
export type OperationMethod = "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS" | "TRACE";

/** A product's operations by `operationId` → its method and path (generated in ./generated/<product>.operations.ts). */
export type OperationTable<Paths extends {}> = Record<string, readonly [OperationMethod, keyof Paths & string]>;

/**
 * One method per operation, named by the document's `operationId` and typed like openapi-fetch's path-based
 * call of that method and path: `todo.listTodos({ params: { query: { limit: 10 } } })` is
 * `todo.GET("/todo/v1/todos", { params: { query: { limit: 10 } } })`.
 */
export type OperationClient<Paths extends {}, T extends OperationTable<Paths>> = {
  [K in keyof T]: OperationCall<Paths[T[K][1]], T[K][0]>;
};

/** openapi-fetch's call of one method on one path (`ClientForPath`), or never when the path has no such method. */
type OperationCall<PathInfo, M extends OperationMethod> =
  PathInfo extends Record<string | number, unknown>
    ? M extends keyof ClientForPath<PathInfo, `${string}/${string}`>
      ? ClientForPath<PathInfo, `${string}/${string}`>[M]
      : never
    : never;

/**
 * A product client with both ways of calling: by path (`GET("/todo/v1/todos")`) and by operation name
 * (`listTodos()`), over the same openapi-fetch client (same middleware, same token).
 *
 * @example const todo = withOperations(createProductClient<TodoPaths>(base, { token }), todoOperations);
 */
export function withOperations<Paths extends {}, T extends OperationTable<Paths>>(
  client: Client<Paths>,
  table: T,
): Client<Paths> & OperationClient<Paths, T> {
  const calls: Record<string, unknown> = {};
  for (const [name, [method, path]] of Object.entries(table)) {
    if (name in client) throw new Error(`operation ${name} would shadow the client's own ${name}`);
    const call = (client as unknown as Record<OperationMethod, (url: string, ...init: unknown[]) => unknown>)[method];
    calls[name] = (...init: unknown[]) => call(path, ...init);
  }
  return Object.assign(client, calls) as Client<Paths> & OperationClient<Paths, T>;
}
